/**
 * Renders a catalogue form as accessible, controlled inputs. It shows what it is given: which
 * fields are visible comes from src/sync/forms (SPEC-forms VIS), messages come from the caller,
 * so no rule lives here and any catalogue form can be rendered.
 */
import type { JSX } from 'preact';
import { localized, t } from '../i18n';
import { DateField } from './DateField';
import { isObject, visibleFields, visibleValues, type JsonObject } from '../sync/forms';
import { inputToValue, valueToInput } from './inputs';
import type { FormField, FormValues } from './schema';

export interface MemberChoice {
  id: string;
  full_name: string;
  /** Shown after the name, e.g. the relationship to the head of household. */
  detail?: string;
}

export interface FormRendererProps {
  fields: readonly FormField[];
  values: FormValues;
  /**
   * Receives an updater of the previous values (pass a `useState` setter directly). Updaters, not
   * values, so several input events in one tick (browser autofill) do not overwrite each other.
   */
  onChange: (update: (previous: FormValues) => FormValues) => void;
  /** Top-level values that came from prefill; a field shows "Đã điền sẵn" while it still holds that value. */
  prefilled?: Readonly<FormValues>;
  /** Messages by field path (`key`, `key[0]`, `key[0].sub`), as in SPEC-forms FRM1. */
  errors?: Readonly<Record<string, string>>;
  /** Choices for `member` fields (the household's members). */
  members?: readonly MemberChoice[];
  /** Prefix for element ids, so two forms on a page do not collide. */
  idPrefix?: string;
  /**
   * Top-level keys to render (one step of a long form). Visibility is still decided on the whole
   * form, so a condition on a field of an earlier step keeps working.
   */
  only?: ReadonlySet<string>;
}

/** Element id of a field's input, e.g. for focusing the first invalid field. */
/** Selects with at most this many options are shown as one-tap choices (radio chips). */
export const CHIP_OPTIONS = 3;

export function fieldElementId(idPrefix: string, path: string): string {
  return `${idPrefix}-${path}`;
}

export function FormRenderer(props: FormRendererProps): JSX.Element {
  return (
    <div class="form-fields">
      <Level {...props} fields={props.fields} data={props.values} path="" update={props.onChange} />
    </div>
  );
}

interface LevelProps extends FormRendererProps {
  data: JsonObject;
  /** Visible top-level values, when this level is a repeat item. */
  root?: ReadonlyMap<string, unknown>;
  path: string;
  update: (fn: (previous: FormValues) => FormValues) => void;
}

function withValue(data: JsonObject, key: string, value: unknown): FormValues {
  const next: Record<string, unknown> = { ...data };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

function Level(props: LevelProps): JSX.Element {
  const { fields, data, root, path, update } = props;
  const visible = new Set(visibleFields(fields, data, root));
  const only = path === '' ? props.only : undefined;
  return (
    <>
      {fields
        .filter((field) => visible.has(field.key) && (!only || only.has(field.key)))
        .map((field) =>
          field.type === 'repeat' ? (
            <RepeatField key={field.key} {...props} field={field} />
          ) : (
            <InputField
              key={field.key}
              {...props}
              field={field}
              value={data[field.key]}
              fieldPath={path + field.key}
              setValue={(v) => update((prev) => withValue(prev, field.key, v))}
            />
          ),
        )}
    </>
  );
}

interface InputFieldProps extends LevelProps {
  field: FormField;
  value: unknown;
  fieldPath: string;
  setValue: (value: unknown) => void;
}

function InputField(props: InputFieldProps): JSX.Element {
  const { field, value, fieldPath, setValue, errors, prefilled, members, idPrefix = 'f' } = props;
  const id = fieldElementId(idPrefix, fieldPath);
  const error = errors?.[fieldPath];
  const isPrefilled =
    props.path === '' && prefilled !== undefined && field.key in prefilled && prefilled[field.key] === value;
  const describedBy = [field.help ? `${id}-help` : '', error ? `${id}-error` : '', isPrefilled ? `${id}-prefilled` : '']
    .filter(Boolean)
    .join(' ');
  const text = valueToInput(value);
  const common = {
    id,
    name: fieldPath,
    required: field.required ?? false,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
  };
  const onInput = (e: Event): void => setValue(inputToValue(field.type, (e.currentTarget as HTMLInputElement).value));

  let control: JSX.Element;
  const options = field.options ?? [];
  const asChips = field.type === 'select' && options.length <= CHIP_OPTIONS;
  switch (field.type) {
    case 'select':
      // A few options: one tap on a visible choice instead of opening a picker (two taps).
      control = asChips ? (
        <div
          id={id}
          class="chips"
          role="radiogroup"
          tabIndex={-1}
          aria-labelledby={`${id}-label`}
          aria-invalid={common['aria-invalid']}
          aria-describedby={common['aria-describedby']}
          aria-required={common.required || undefined}
        >
          {options.map((o) => (
            <label key={o.value} class="chip">
              <input type="radio" id={`${id}-${o.value}`} name={fieldPath} value={o.value} checked={text === o.value} onChange={() => setValue(o.value)} />
              <span>{localized(o.label)}</span>
            </label>
          ))}
        </div>
      ) : (
        <select {...common} value={text} onChange={onInput}>
          <option value="">{t('form.select_placeholder')}</option>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {localized(o.label)}
            </option>
          ))}
        </select>
      );
      break;
    case 'member':
      control =
        members && members.length > 0 ? (
          <select {...common} value={text} onChange={onInput}>
            <option value="">{t('form.select_placeholder')}</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.detail ? `${m.full_name} (${m.detail})` : m.full_name}
              </option>
            ))}
          </select>
        ) : (
          <p class="muted" id={id}>
            {t('form.no_members')}
          </p>
        );
      break;
    case 'date':
      control = <DateField {...common} value={value} onValue={setValue} />;
      break;
    case 'number':
      control = <input {...common} type="text" inputMode="numeric" autoComplete="off" value={text} onInput={onInput} />;
      break;
    case 'cccd':
      control = <input {...common} type="text" inputMode="numeric" autoComplete="off" maxLength={14} value={text} onInput={onInput} />;
      break;
    case 'phone':
      control = <input {...common} type="tel" inputMode="tel" autoComplete="tel" value={text} onInput={onInput} />;
      break;
    default:
      control = <input {...common} type="text" value={text} onInput={onInput} />;
  }

  return (
    <div class={`field${error ? ' field--error' : ''}${isPrefilled ? ' field--prefilled' : ''}`} data-field={fieldPath}>
      <label for={asChips ? undefined : id} id={`${id}-label`}>
        {localized(field.label)}
        {field.required ? <span class="required"> ({t('form.required')})</span> : null}
      </label>
      {isPrefilled ? (
        <span class="badge badge--prefilled" id={`${id}-prefilled`}>
          {t('form.prefilled')}
        </span>
      ) : null}
      {control}
      {field.help ? (
        <p class="help" id={`${id}-help`}>
          {localized(field.help)}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function RepeatField(props: LevelProps & { field: FormField }): JSX.Element {
  const { field, data, path, update, errors, fields } = props;
  const fieldPath = path + field.key;
  const label = localized(field.label);
  const itemsOf = (level: JsonObject): JsonObject[] => {
    const value = level[field.key];
    return Array.isArray(value) ? value.map((item: unknown) => (isObject(item) ? item : {})) : [];
  };
  const updateItems = (fn: (items: JsonObject[]) => JsonObject[]): void =>
    update((prev) => {
      const next = fn(itemsOf(prev));
      return withValue(prev, field.key, next.length > 0 ? next : undefined);
    });
  const items = itemsOf(data);
  const canAdd = field.max_items === undefined || items.length < field.max_items;
  const error = errors?.[fieldPath];
  // Items read top-level values (SPEC-forms VIS4); repeats are never nested, so this level is the top.
  const root = props.root ?? visibleValues(fields, data);

  return (
    <fieldset class="repeat" data-field={fieldPath}>
      <legend>
        {label}
        {field.required ? <span class="required"> ({t('form.required')})</span> : null}
      </legend>
      {field.help ? <p class="help">{localized(field.help)}</p> : null}
      {items.map((item, i) => (
        <fieldset class="repeat-item" key={i}>
          <legend>{t('form.item_title', { label, n: i + 1 })}</legend>
          <Level
            {...props}
            fields={field.fields ?? []}
            data={item}
            root={root}
            path={`${fieldPath}[${i}].`}
            update={(fn) => updateItems((all) => all.map((old, j) => (j === i ? fn(old) : old)))}
          />
          {errors?.[`${fieldPath}[${i}]`] ? (
            <p class="error" role="alert">
              {errors[`${fieldPath}[${i}]`]}
            </p>
          ) : null}
          <button type="button" class="button button--secondary" onClick={() => updateItems((all) => all.filter((_, j) => j !== i))}>
            {t('form.remove_item', { n: i + 1 })}
          </button>
        </fieldset>
      ))}
      {error ? (
        <p class="error" id={`${fieldElementId(props.idPrefix ?? 'f', fieldPath)}-error`} role="alert">
          {error}
        </p>
      ) : null}
      {canAdd ? (
        <button type="button" class="button button--secondary" onClick={() => updateItems((all) => [...all, {}])}>
          {t('form.add_item', { label })}
        </button>
      ) : null}
    </fieldset>
  );
}
