/** The `hyphen` package's language modules (CommonJS, without type declarations of their own). */
declare module 'hyphen/de/index.js' {
  const hyphenator: { hyphenateSync(text: string, options?: { hyphenChar?: string; minWordLength?: number }): string };
  export default hyphenator;
}
declare module 'hyphen/en/index.js' {
  const hyphenator: { hyphenateSync(text: string, options?: { hyphenChar?: string; minWordLength?: number }): string };
  export default hyphenator;
}
