import { useState } from 'react';
import type { JsonSchema } from '../types.ts';

function kindOf(schema: JsonSchema): string {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type) return type;
  if (schema.anyOf?.length) return 'json';
  return 'json';
}

/** A JSON field: edited as text, kept when it parses. */
function JsonField(props: { value: unknown; onChange: (value: unknown) => void; testId: string }) {
  const [text, setText] = useState(props.value === undefined ? '' : JSON.stringify(props.value));
  const [bad, setBad] = useState(false);
  return (
    <input
      data-testid={props.testId}
      className={bad ? 'bad' : ''}
      value={text}
      placeholder="JSON"
      onChange={(event) => {
        setText(event.target.value);
        if (event.target.value.trim() === '') {
          setBad(false);
          props.onChange(undefined);
          return;
        }
        try {
          props.onChange(JSON.parse(event.target.value));
          setBad(false);
        } catch {
          setBad(true);
        }
      }}
    />
  );
}

/** A form generated from a node type's config schema (JSON Schema from valibot). */
export function ConfigForm(props: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
}) {
  const properties = Object.entries(props.schema.properties ?? {});
  const set = (key: string, next: unknown) => {
    const copy = { ...props.value };
    if (next === undefined || next === '') delete copy[key];
    else copy[key] = next;
    props.onChange(copy);
  };
  if (properties.length === 0) return <p className="muted">This node type takes no config.</p>;
  return (
    <div className="config-form">
      {properties.map(([key, schema]) => {
        const kind = kindOf(schema);
        const required = props.schema.required?.includes(key);
        const testId = `config-${key}`;
        const current = props.value[key];
        return (
          <div className="field" key={key}>
            <span>
              {key}
              {required && <b className="required"> *</b>}
              {schema.default !== undefined && (
                <span className="muted"> (default {JSON.stringify(schema.default)})</span>
              )}
            </span>
            {kind === 'enum' ? (
              <select
                data-testid={testId}
                value={current === undefined ? '' : String(current)}
                onChange={(event) => set(key, event.target.value || undefined)}
              >
                <option value="">—</option>
                {schema.enum?.map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : kind === 'boolean' ? (
              <input
                type="checkbox"
                data-testid={testId}
                checked={current === true}
                onChange={(event) => set(key, event.target.checked)}
              />
            ) : kind === 'number' || kind === 'integer' ? (
              <input
                type="number"
                data-testid={testId}
                value={typeof current === 'number' ? current : ''}
                onChange={(event) =>
                  set(key, event.target.value === '' ? undefined : Number(event.target.value))
                }
              />
            ) : kind === 'string' ? (
              <input
                data-testid={testId}
                value={typeof current === 'string' ? current : ''}
                onChange={(event) => set(key, event.target.value)}
              />
            ) : (
              <JsonField testId={testId} value={current} onChange={(next) => set(key, next)} />
            )}
          </div>
        );
      })}
    </div>
  );
}
