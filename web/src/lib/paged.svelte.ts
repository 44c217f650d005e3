// A Relay connection shown a page at a time (newest first): forward cursors, a stack to go back, and
// rows announced live by a subscription, updated in place or added at the top of the first page.
import { errorMessage, localId } from './format';

export interface PageResult<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null | undefined;
  totalCount: number | null;
}

/** the shape of every Relay connection the dashboard pages through */
export interface Connection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: ReadonlyArray<{ node: T }>;
}

/** a query's result, and the connection in it, as the page `Paged` shows */
export function pageOf<T>(result: { error?: unknown }, connection: Connection<T> | null | undefined) {
  return {
    error: result.error,
    data: connection && {
      nodes: connection.edges.map((e) => e.node),
      hasNextPage: connection.pageInfo.hasNextPage,
      endCursor: connection.pageInfo.endCursor,
      totalCount: connection.totalCount,
    },
  };
}

export class Paged<T extends { id: string }> {
  rows = $state<T[]>([]);
  total = $state<number | null>(null);
  hasNext = $state(false);
  loading = $state(true);
  error = $state<string | null>(null);
  afters = $state<(string | null)[]>([null]);
  /** new rows announced while a later page is shown (see `first`) */
  missed = $state(0);
  #endCursor: string | null = null;
  #generation = 0;
  /** rows announced while a page was loading: the page may have been read before they existed */
  #announced: T[] = [];

  /**
   * @param fetchPage reads one page, after the given cursor
   * @param maxRows on a busy day the first page grows with every new row: past this many, it starts afresh
   */
  constructor(
    private fetchPage: (after: string | null) => Promise<{ data?: PageResult<T> | null; error?: unknown }>,
    private maxRows: () => number = () => 150,
  ) {}

  get page() {
    return this.afters.length;
  }

  async #load(after: string | null) {
    const mine = ++this.#generation;
    this.loading = true;
    this.#announced = [];
    const result = await this.fetchPage(after);
    if (mine !== this.#generation) return;
    this.loading = false;
    if (result.error || !result.data) {
      this.error = errorMessage(result.error ?? 'No data');
      return;
    }
    this.error = null;
    this.rows = result.data.nodes;
    this.total = result.data.totalCount;
    this.hasNext = result.data.hasNextPage;
    this.#endCursor = result.data.endCursor ?? null;
    // only rows the page did not have: for those it has, the page may be the newer of the two
    const announced = this.#announced;
    this.#announced = [];
    for (const row of announced) if (!this.rows.some((r) => r.id === row.id)) this.#place(row);
  }

  /** the current page again (after a change that may have touched it) */
  reload = () => this.#load(this.afters[this.afters.length - 1]);
  /** back to the first page */
  first = () => {
    this.afters = [null];
    this.missed = 0;
    return this.#load(null);
  };
  next = () => {
    if (!this.#endCursor) return;
    this.afters = [...this.afters, this.#endCursor];
    this.missed = 0;
    return this.#load(this.#endCursor);
  };
  prev = () => {
    this.afters = this.afters.slice(0, -1);
    this.missed = 0;
    return this.#load(this.afters[this.afters.length - 1]);
  };

  /**
   * A row a subscription announced (new, or changed). A row on screen is updated in place, even when it
   * no longer matches the view's filter: rows never jump away under the pointer. Otherwise, when it
   * `matches`, it takes its place by id (newest first) on the first page, or counts as missed on later ones.
   */
  announce(row: T, matches: boolean) {
    const index = this.rows.findIndex((r) => r.id === row.id);
    if (index >= 0) {
      this.rows[index] = row;
      return;
    }
    if (!matches) return;
    if (this.loading) this.#announced.push(row);
    this.#place(row);
  }

  #place(row: T) {
    const id = localId(row.id);
    if (this.page > 1) {
      if (id > localId(this.rows[0]?.id ?? '')) this.missed += 1;
      return;
    }
    const oldest = this.rows.length ? localId(this.rows[this.rows.length - 1].id) : 0;
    if (id < oldest && this.hasNext) return; // belongs to a later page
    const at = this.rows.findIndex((r) => localId(r.id) < id);
    this.rows = at === -1 ? [...this.rows, row] : [...this.rows.slice(0, at), row, ...this.rows.slice(at)];
    if (this.total !== null) this.total += 1;
    if (this.rows.length > this.maxRows()) void this.first();
  }
}
