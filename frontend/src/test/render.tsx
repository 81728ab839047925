import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ApiContext } from '../api/context';
import type { ApiClient } from '../api/client';

export function renderWithApi(ui: ReactElement, client: ApiClient) {
  return render(<ApiContext.Provider value={client}>{ui}</ApiContext.Provider>);
}
