// One ticking clock for every relative time on the page.
class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | null = null;
  start() {
    if (this.#timer || typeof window === 'undefined') return;
    this.#timer = setInterval(() => (this.now = Date.now()), 5_000);
  }
}
export const clock = new Clock();
