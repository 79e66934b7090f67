import React, { useEffect, useState } from 'react';
import {
  Badge,
  Box,
  H3,
  Label,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import { ApiClient, ViewHelpers } from 'adminjs';

const api = new ApiClient();
const h = new ViewHelpers();
const euros = (cents) =>
  cents === undefined || cents === null || cents === ''
    ? ''
    : `${(Number(cents) / 100).toFixed(2)} €`;

const Field = ({ label, children }) => (
  <Box mr="xxl" mb="lg">
    <Label>{label}</Label>
    <Text>{children}</Text>
  </Box>
);

/** A devis with its lines and the GPT analyses of it (fetched through the same access rules). */
const DevisShow = ({ record }) => {
  const p = record.params;
  const [lines, setLines] = useState([]);
  const [analyses, setAnalyses] = useState([]);
  useEffect(() => {
    const list = (resourceId, sortBy, direction) =>
      api
        .resourceAction({
          resourceId,
          actionName: 'list',
          params: { 'filters.devisId': record.id, perPage: 200, sortBy, direction },
        })
        .then((res) => res.data.records || []);
    list('devis-lines', 'position', 'asc')
      .then(setLines)
      .catch(() => setLines([]));
    list('gpt-analyses', 'createdAt', 'desc')
      .then(setAnalyses)
      .catch(() => setAnalyses([]));
  }, [record.id]);

  return (
    <Box variant="container" data-testid="devis-show">
      <Box flex flexWrap="wrap">
        <Field label="Reference">{p.reference}</Field>
        <Field label="Title">{p.title}</Field>
        <Field label="Status">{p.status}</Field>
        <Field label="Company">{`${p.companyName || ''}${p.companySiret ? ` (SIRET ${p.companySiret})` : ''}`}</Field>
        <Field label="Client">{`${p.clientName || ''} ${p.clientPostcode || ''} ${p.clientCity || ''}`}</Field>
        <Field label="Issued">{p.issueDate}</Field>
        <Field label="Total HT">{euros(p.totalHtCents)}</Field>
        <Field label="TVA">{euros(p.totalTvaCents)}</Field>
        <Field label="Total TTC">{euros(p.totalTtcCents)}</Field>
      </Box>
      <H3 mt="xl">Lines ({lines.length})</H3>
      <Table>
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Description</TableCell>
            <TableCell>Category</TableCell>
            <TableCell>Quantity</TableCell>
            <TableCell>Unit price HT</TableCell>
            <TableCell>TVA</TableCell>
            <TableCell>Total HT</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {lines.map((l) => (
            <TableRow key={l.id}>
              <TableCell>{l.params.position}</TableCell>
              <TableCell>{l.params.description}</TableCell>
              <TableCell>{l.params.category}</TableCell>
              <TableCell>{`${l.params.quantity} ${l.params.unit}`}</TableCell>
              <TableCell>{euros(l.params.unitPriceHtCents)}</TableCell>
              <TableCell>{`${Number(l.params.tvaRateBp) / 100} %`}</TableCell>
              <TableCell>{euros(l.params.totalHtCents)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <H3 mt="xl">GPT analyses ({analyses.length})</H3>
      {analyses.map((a) => (
        <Box key={a.id} mb="sm">
          <Badge mr="default">{a.params.gptGrade}</Badge>
          <Link
            href={h.recordActionUrl({
              resourceId: 'gpt-analyses',
              recordId: a.id,
              actionName: 'show',
            })}
          >
            {`Score ${a.params.gptScore}/100, confidence ${a.params.confidence} % — ${String(a.params.createdAt).slice(0, 10)}`}
          </Link>
        </Box>
      ))}
    </Box>
  );
};

export default DevisShow;
