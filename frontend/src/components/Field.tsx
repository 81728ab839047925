import { useId, type ReactElement } from 'react';

interface FieldProps {
  label: string;
  className?: string;
  /** Renders the control with the id the label points at. */
  children: (id: string) => ReactElement;
}

/** A labelled form control; the label names the control alone (not its current value). */
export function Field({ label, className = 'field', children }: FieldProps) {
  const id = useId();
  return (
    <div className={className}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children(id)}
    </div>
  );
}
