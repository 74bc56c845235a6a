// Reading the element a component has just rendered: a missing one is a bug in that component's template, so it
// fails at once with the selector named, instead of flowing on as null.

export function rendered<T extends Element>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`internal: ${selector} is not rendered`);
  return element;
}
