// View state that lives in the URL (filters, the open job), so a view can be bookmarked and shared.
import { goto } from '$app/navigation';
import { page } from '$app/state';

/** sets (or, given '', removes) one query parameter of the current URL, in place: no new history entry */
export function setSearchParam(name: string, value: string) {
  const url = new URL(page.url);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  void goto(url, { replaceState: true, keepFocus: true, noScroll: true });
}
