// The one part of jsdom the diagram test uses, declared here: @types/jsdom brings the DOM's
// global types into the whole type check, where they change Node's (crypto among them).
declare module 'jsdom' {
  export class JSDOM {
    constructor(html: string);
    readonly window: { readonly document: unknown } & Record<string, unknown>;
  }
}
