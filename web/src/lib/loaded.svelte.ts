// One query a view shows whole (segments, destinations, settings): its data, whether it is loading,
// and why it failed. `load` reads it again, from the network.
import { errorMessage } from './format';

export class Loaded<T> {
  data = $state<T | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);

  /** @param read runs the query; @param onData sees each result that came back (to seed a form from it) */
  constructor(
    private read: () => Promise<{ data?: T | null; error?: unknown }>,
    private onData?: (data: T) => void,
  ) {}

  load = async () => {
    const result = await this.read();
    this.loading = false;
    this.error = result.error ? errorMessage(result.error) : null;
    if (result.data) {
      this.data = result.data;
      this.onData?.(result.data);
    }
  };
}
