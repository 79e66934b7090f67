// adminjs ships these types but its package "exports" gives `adminjs/bundler` none.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs' with { 'resolution-mode': 'import' };

  interface AssetBundler {
    build(): Promise<void>;
    createEntry(options: { dir?: string; content: string }): Promise<void>;
    setInputOption(key: string, value: unknown): this;
    setOutputOption(key: string, value: unknown): this;
  }
  export const componentsBundler: AssetBundler;
  export function generateUserComponentEntry(admin: AdminJS, entryPath: string): string;
}
