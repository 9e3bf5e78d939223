/**
 * Aspects: visitors applied to every construct below a scope right before synthesis (e.g. "tag everything",
 * "force idle shutdown on all instances"). They run before validation, so what they change is validated.
 */
import type { IConstruct } from 'constructs';

/** A visitor called once for every construct below (and including) the scope it was added to. */
export interface IAspect {
  visit(node: IConstruct): void;
}

const registry = new WeakMap<IConstruct, IAspect[]>();
/** Whether any aspect was ever added: when none was, synthesis does not walk the tree for them. */
let anyAspect = false;

/** The aspects of one construct. */
export class Aspects {
  public static of(scope: IConstruct): Aspects {
    return new Aspects(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Apply `aspect` to this construct and every construct below it at synthesis. */
  public add(aspect: IAspect): void {
    let list = registry.get(this.scope);
    if (!list) registry.set(this.scope, (list = []));
    list.push(aspect);
    anyAspect = true;
  }

  public get all(): readonly IAspect[] {
    return registry.get(this.scope) ?? [];
  }
}

/**
 * Run every aspect on the tree, outer scopes first. Constructs that aspects add are visited too (the walk repeats
 * until nothing new appears, bounded so a runaway aspect cannot loop forever).
 */
export function applyAspects(root: IConstruct): void {
  if (!anyAspect) return;
  const done = new WeakMap<IConstruct, Set<IAspect>>();
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    const visit = (c: IConstruct, inherited: readonly IAspect[]): void => {
      const own = registry.get(c);
      const active = own ? [...inherited, ...own] : inherited;
      if (active.length) {
        let seen = done.get(c);
        if (!seen) done.set(c, (seen = new Set()));
        for (const a of active) {
          if (seen.has(a)) continue;
          seen.add(a);
          a.visit(c);
          changed = true;
        }
      }
      for (const child of c.node.children) visit(child, active);
    };
    visit(root, []);
    if (!changed) return;
  }
}
