/**
 * Lines of JSON values in the text they were parsed from, so that errors and SARIF results point at the line of a
 * manifest or ARM template a user wrote. jsonc-parser (Microsoft's parser behind VS Code) keeps offsets; it also
 * reads the comments ARM templates may hold.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

/** Maps paths (keys and array indexes) of one JSON text to 1-based lines. */
export class JsonLines {
  private readonly root: Node | undefined;
  private readonly starts: number[] = [0];

  constructor(text: string) {
    this.root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** The line of the value at `path`, or of its nearest ancestor that exists; undefined for an unparsable text. */
  public lineOf(path: readonly (string | number)[]): number | undefined {
    if (!this.root) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, [...path.slice(0, n)]);
      if (node) return this.lineAt(node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return undefined;
  }

  /** The line of a JSON pointer (`/resources/3/body/properties`). */
  public lineOfPointer(pointer: string): number | undefined {
    const segs = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    return this.lineOf(segs);
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
