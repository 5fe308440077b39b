// A page's loads drawn as one render (issue 19). Each on_load handler of a page answers with a
// message of its own (the catalog: the page's state, its products, their ratings, the live
// badge, the bell, ...), and React draws each message the socket hands over as a render of its
// own: on a phone, that is several times the page's whole grid of cards before it settles.
// The backend marks a page's loads with `is_hydrated` false at their start and true at their
// end; the messages between them wait and are applied together, in order, in one task, which
// React draws once. Loads slower than HOLD_AT_MOST_MS are drawn as they come, as before.
// Written into .web by app/frontend_build/page_load_updates.py.

const HOLD_AT_MOST_MS = 400;
const ROOT_STATE = "reflex___state____state";
const HYDRATED = "is_hydrated_rx_state_";

export const holdPageLoads = (apply) => {
  // A socket's first messages are the page's hydration and loads: held from the start.
  let held = []; // the messages of the page's loads so far, or null between loads
  let timer = null;
  const release = () => {
    clearTimeout(timer);
    const updates = held ?? [];
    held = null;
    timer = null;
    for (const update of updates) apply(update);
  };
  return (update) => {
    const hydrated = update?.delta?.[ROOT_STATE]?.[HYDRATED];
    if (held === null && hydrated === false) held = [];
    if (held === null) {
      apply(update);
      return;
    }
    held.push(update);
    timer ??= setTimeout(release, HOLD_AT_MOST_MS);
    if (hydrated === true) release();
  };
};
