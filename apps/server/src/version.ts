/** This app's version; the build writes it in from package.json. */
export const VERSION: string = '__PSRKIT_VERSION__';
