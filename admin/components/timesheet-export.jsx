import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';

const api = new ApiClient();
const nativeStyle = { width: '100%', padding: '8px', border: '1px solid #c0c0ca', borderRadius: 2 };

/** The entries list's filter (`filters.date~~from=…`), which the export starts from. */
const listFilter = () => {
  const q = new URLSearchParams(window.location.search);
  const day = (key) => (q.get(key) || '').slice(0, 10);
  return {
    from: day('filters.date~~from'),
    to: day('filters.date~~to'),
    email: q.get('filters.userEmail') || '',
    userId: q.get('filters.userId') || '',
    projectId: q.get('filters.projectId') || '',
  };
};

/** Saves text as a file (a Blob link: the browser downloads it, nothing leaves the page). */
const save = (filename, content) => {
  const url = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

/**
 * Downloads the filtered entries as CSV: the same file as GET /api/timesheets/entries/export.csv
 * (TimesheetsReportService), filtered by dates, a person and a project.
 */
const TimesheetExport = (props) => {
  const { resource, action } = props;
  const [values, setValues] = useState(listFilter);
  const [projects, setProjects] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();
  const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));

  useEffect(() => {
    api
      .resourceAction({ resourceId: resource.id, actionName: action.name })
      .then((res) => {
        setProjects(res.data.projects || []);
        const week = res.data.week || {};
        setValues((v) => ({ ...v, from: v.from || week.from, to: v.to || week.to }));
      })
      .catch((e) => setError(e.message));
  }, []);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.resourceAction({
        resourceId: resource.id,
        actionName: action.name,
        data: values,
        method: 'post',
      });
      const body = res.data || {};
      if (body.notice && body.notice.type === 'error') {
        setError(body.notice.message);
        return;
      }
      if (body.download) save(body.download.filename, body.download.content);
      if (body.notice) addNotice(body.notice);
    } catch (e) {
      setError((e && e.message) || 'The export failed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="export-form">
      <Text mb="xl">
        The entries of these days, of one person or project if chosen, as a CSV file for a
        spreadsheet (UTF-8, commas; at most {action.custom.maxEntries} entries).
      </Text>
      <FormGroup>
        <Label htmlFor="field-from" required>
          From
        </Label>
        <Input
          id="field-from"
          type="date"
          required
          value={values.from}
          onChange={(e) => set('from', e.target.value)}
        />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="field-to" required>
          To
        </Label>
        <Input
          id="field-to"
          type="date"
          required
          value={values.to}
          onChange={(e) => set('to', e.target.value)}
        />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="field-email">Person’s email (empty: everyone)</Label>
        <Input
          id="field-email"
          type="email"
          value={values.email}
          onChange={(e) => set('email', e.target.value)}
          width={1}
        />
        {values.userId && !values.email ? (
          <Text fontSize="sm" color="grey60" mt="sm">
            One person, from the list’s filter ({values.userId}).{' '}
            <a href="#" onClick={(e) => (e.preventDefault(), set('userId', ''))}>
              Everyone
            </a>
          </Text>
        ) : null}
      </FormGroup>
      <FormGroup>
        <Label htmlFor="field-projectId">Project</Label>
        <select
          id="field-projectId"
          value={values.projectId}
          onChange={(e) => set('projectId', e.target.value)}
          style={nativeStyle}
        >
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </FormGroup>
      {error ? (
        <MessageBox variant="danger" message={error} mb="lg" data-testid="action-error" />
      ) : null}
      <Button type="submit" variant="contained" disabled={busy} data-testid="action-submit">
        Download CSV
      </Button>
    </Box>
  );
};

export default TimesheetExport;
