// Tables taller than a browser lets an element be. A row is 34 px, so a million rows are
// 34,000,000 px: past Chromium's limit for an element's height (~33,554,000 px) and far past
// Firefox's (~17,895,000 px); the rows beyond it could never be scrolled to. Above
// MAX_SCROLL_HEIGHT the grid's scroll area stays that tall and scrolling is scaled: the
// scrollbar's whole travel covers every row, a scroll of one pixel moves the rows by `scale`
// pixels, and a wheel scrolls 1/scale as far (so it moves the rows as it always does; see
// use-grid-virtual.ts). The row virtualizer does not know: it scrolls a stand-in for the scroll
// element (below) whose height, offset and scrolls are in the rows' own pixels, so its
// ranges, scrollToIndex and keyboard jumps work unchanged; rows are drawn where they fall in
// the viewport (rowsBase and rowsOffset in use-grid-virtual.ts).

/** The tallest scroll area the grid makes (every browser renders 10,000,000 px). */
export const MAX_SCROLL_HEIGHT = 10_000_000;

/**
 * The scroll element as the row virtualizer sees it: `height` px tall (the rows' full
 * height), its scrollTop scaled to that height. Everything else is the element's own.
 */
export class ScaledScrollElement {
  /** The last offset written, and the element's scrollTop it became (reads give it back exactly). */
  private written: { offset: number; top: number } | null = null;

  constructor(
    readonly element: HTMLElement,
    public height: number,
  ) {}

  /**
   * Rows' pixels per pixel of the element's scroll (1 when the rows fit). The element's
   * content is MAX_SCROLL_HEIGHT tall (the grid clips anything that would overflow it).
   */
  get scale(): number {
    const travel = Math.min(this.height, MAX_SCROLL_HEIGHT) - this.element.clientHeight;
    const rows = this.height - this.element.clientHeight;
    return travel > 0 && rows > travel ? rows / travel : 1;
  }

  get scrollHeight() {
    return Math.max(this.height, this.element.scrollHeight);
  }
  get scrollTop() {
    const top = this.element.scrollTop;
    if (this.written && Math.abs(this.written.top - top) < 1) return this.written.offset;
    return top * this.scale;
  }
  get clientHeight() {
    return this.element.clientHeight;
  }
  get clientWidth() {
    return this.element.clientWidth;
  }
  get scrollWidth() {
    return this.element.scrollWidth;
  }
  get scrollLeft() {
    return this.element.scrollLeft;
  }
  get ownerDocument() {
    return this.element.ownerDocument;
  }
  get style() {
    return this.element.style;
  }

  scrollTo(options: ScrollToOptions) {
    if (options.top === undefined) return this.element.scrollTo(options);
    const top = options.top / this.scale;
    this.element.scrollTo({ ...options, top });
    // What the element made of it (it rounds to its pixels, and clamps).
    this.written = { offset: options.top, top: this.element.scrollTop };
    if (Math.abs(this.written.top - top) >= 1) this.written = null;
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: AddEventListenerOptions) {
    this.element.addEventListener(type, listener, options);
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
    this.element.removeEventListener(type, listener);
  }
}
