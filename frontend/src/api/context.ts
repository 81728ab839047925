import { createContext, useContext } from 'react';
import { defaultClient, type ApiClient } from './client';

/** The API client of the app; tests provide a fake one. */
export const ApiContext = createContext<ApiClient>(defaultClient);

export function useApiClient(): ApiClient {
  return useContext(ApiContext);
}
