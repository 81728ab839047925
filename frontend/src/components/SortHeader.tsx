import type { ReactNode } from 'react';
import type { SortOrder } from '../api/types';

interface SortHeaderProps<K extends string> {
  label: string;
  sortKey: K;
  active: K;
  order: SortOrder;
  onSort: (key: K) => void;
  tip?: ReactNode;
  className?: string;
}

/** A column header that sorts: a button inside the th, with aria-sort on the th. */
export function SortHeader<K extends string>({ label, sortKey, active, order, onSort, tip, className }: SortHeaderProps<K>) {
  const isActive = active === sortKey;
  const ariaSort = isActive ? (order === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={ariaSort} className={className}>
      <span className="th-inner">
        <button type="button" className="sort-button" onClick={() => onSort(sortKey)} data-sort={sortKey}>
          {label}
          <span className="sort-arrow" aria-hidden="true">
            {isActive ? (order === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
        {tip}
      </span>
    </th>
  );
}
