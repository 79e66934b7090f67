import React, { useState } from 'react';
import { Box, Button, FormGroup, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';

const api = new ApiClient();

/**
 * A field's first value: `value`, else the record's `fromRecord` param (times `scale`, e.g.
 * micro-dollars shown as dollars) for an edit form, else empty.
 */
const fromRecord = (f, record) => {
  const raw = record?.params?.[f.fromRecord];
  if (raw === undefined || raw === null || raw === '') return f.type === 'checkbox' ? false : '';
  if (f.type === 'checkbox') return raw === true || raw === 'true';
  return f.scale ? String(Number(raw) * f.scale) : String(raw);
};

const initialValues = (fields, record) =>
  Object.fromEntries(
    fields.map((f) => [
      f.name,
      f.value !== undefined
        ? f.value
        : f.fromRecord
          ? fromRecord(f, record)
          : f.type === 'checkbox'
            ? false
            : '',
    ]),
  );

const nativeStyle = { width: '100%', padding: '8px', border: '1px solid #c0c0ca', borderRadius: 2 };

/**
 * A form for a custom action, described by `action.custom` (intro, fields, submitLabel,
 * secretLabel). The action runs by POST only. A `secret` in the answer (a new key, a generated
 * password) is shown here once, with a copy button, and never again.
 */
const ActionForm = (props) => {
  const { resource, action, record } = props;
  const custom = action.custom || {};
  const fields = custom.fields || [];
  const [values, setValues] = useState(() => initialValues(fields, record));
  const [secret, setSecret] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const addNotice = useNotice();

  const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const params = {
        resourceId: resource.id,
        actionName: action.name,
        data: values,
        method: 'post',
      };
      const res = record
        ? await api.recordAction({ ...params, recordId: record.id })
        : await api.resourceAction(params);
      const body = res.data || {};
      if (body.notice && body.notice.type === 'error') {
        setError(body.notice.message);
        return;
      }
      if (body.notice) addNotice(body.notice);
      if (body.result) {
        setResult(body.result);
        return;
      }
      if (body.secret) {
        setSecret(body.secret);
        setValues(initialValues(fields));
        return;
      }
      if (body.redirectUrl) window.location.assign(body.redirectUrl);
    } catch (e) {
      setError((e && e.message) || 'The action failed');
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      const el = document.getElementById('issued-secret');
      const range = document.createRange();
      range.selectNodeContents(el);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      document.execCommand('copy');
    }
    setCopied(true);
  };

  if (secret) {
    return (
      <Box variant="container" data-testid="secret-box">
        <MessageBox variant="success" message={custom.secretLabel || 'Secret'} mb="lg" />
        <Text mb="default">
          Copy it now: it is not stored in readable form and will not be shown again.
        </Text>
        <Box
          as="pre"
          id="issued-secret"
          data-testid="issued-secret"
          p="lg"
          mb="lg"
          style={{
            background: '#f6f7fb',
            userSelect: 'all',
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-all',
            fontSize: 16,
          }}
        >
          {secret}
        </Box>
        <Button type="button" variant="contained" onClick={copy} data-testid="copy-secret">
          {copied ? 'Copied' : 'Copy to clipboard'}
        </Button>
      </Box>
    );
  }

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="action-form">
      {custom.intro ? <Text mb="xl">{custom.intro}</Text> : null}
      {record && record.title ? (
        <Text mb="xl" fontWeight="bold">
          {record.title}
        </Text>
      ) : null}
      {fields.map((f) => (
        <FormGroup key={f.name}>
          <Label htmlFor={`field-${f.name}`} required={Boolean(f.required)}>
            {f.label}
          </Label>
          {f.type === 'select' ? (
            <select
              id={`field-${f.name}`}
              name={f.name}
              value={values[f.name]}
              onChange={(e) => set(f.name, e.target.value)}
              style={nativeStyle}
            >
              {f.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : f.type === 'checkbox' ? (
            <input
              id={`field-${f.name}`}
              name={f.name}
              type="checkbox"
              checked={Boolean(values[f.name])}
              onChange={(e) => set(f.name, e.target.checked)}
            />
          ) : (
            <Input
              id={`field-${f.name}`}
              name={f.name}
              type={f.type || 'text'}
              required={Boolean(f.required)}
              autoComplete={f.type === 'password' ? 'new-password' : 'off'}
              value={values[f.name]}
              onChange={(e) => set(f.name, e.target.value)}
              width={1}
            />
          )}
        </FormGroup>
      ))}
      {result ? (
        <MessageBox
          variant={result.ok ? 'success' : 'danger'}
          message={result.message}
          mb="lg"
          data-testid="action-result"
        />
      ) : null}
      {error ? (
        <MessageBox variant="danger" message={error} mb="lg" data-testid="action-error" />
      ) : null}
      <Button
        type="submit"
        variant={custom.variant === 'danger' ? 'danger' : 'contained'}
        disabled={busy}
        data-testid="action-submit"
      >
        {custom.submitLabel || action.label || 'Run'}
      </Button>
    </Box>
  );
};

export default ActionForm;
