/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** API origin for a bundle hosted apart from the API (API Gateway); unset = same origin. */
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
