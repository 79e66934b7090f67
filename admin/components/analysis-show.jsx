import React from 'react';
import { Badge, Box, H3, H4, Label, Link, Text } from '@adminjs/design-system';
import { flat, ViewHelpers } from 'adminjs';

const h = new ViewHelpers();
const GRADE_COLOR = { A: 'success', B: 'success', C: 'info', D: 'secondary', E: 'danger' };
const PRIORITY_COLOR = { high: 'danger', medium: 'secondary', low: 'info' };

const List = ({ title, items }) =>
  items && items.length ? (
    <Box mb="lg">
      <Label>{title}</Label>
      <ul style={{ paddingLeft: 20, listStyle: 'disc' }}>
        {items.map((item, i) => (
          <li key={i}>
            <Text>{String(item)}</Text>
          </li>
        ))}
      </ul>
    </Box>
  ) : null;

/** A GPT analysis as a reader wants it: score, grade, confidence, summary, recommendations. */
const AnalysisShow = ({ record }) => {
  const a = flat.unflatten(record.params);
  const body = a.analysis || {};
  const recs = Array.isArray(a.recommendations) ? a.recommendations : [];
  return (
    <Box variant="container" data-testid="analysis-show">
      <Box flex flexDirection="row" alignItems="center" mb="xl">
        <Box mr="xxl">
          <Label>Score</Label>
          <Text fontSize="h2" fontWeight="bold" data-testid="analysis-score">
            {a.gptScore}/100
          </Text>
        </Box>
        <Box mr="xxl">
          <Label>Grade</Label>
          <Badge
            size="lg"
            variant={GRADE_COLOR[a.gptGrade] || 'default'}
            data-testid="analysis-grade"
          >
            {a.gptGrade}
          </Badge>
        </Box>
        <Box mr="xxl">
          <Label>Confidence</Label>
          <Text fontSize="lg">{a.confidence} %</Text>
        </Box>
        <Box>
          <Label>Devis</Label>
          <Link
            href={h.recordActionUrl({
              resourceId: 'devis',
              recordId: a.devisId,
              actionName: 'show',
            })}
          >
            Open the devis
          </Link>
        </Box>
      </Box>
      {a.reviewStatus && a.reviewStatus !== 'none' ? (
        <Box
          mb="xl"
          p="lg"
          style={{ border: '1px solid #e6e6ee', borderRadius: 4 }}
          data-testid="analysis-review"
        >
          <Label>Human review</Label>
          <Text mb="sm">
            <Badge variant={a.reviewStatus === 'pending' ? 'danger' : 'success'} mr="default">
              {a.reviewStatus === 'pending' ? 'awaiting review' : `reviewed: ${a.reviewVerdict}`}
            </Badge>
            {a.reviewedAt
              ? `on ${String(a.reviewedAt).replace('T', ' ').slice(0, 16)} UTC`
              : 'Low confidence or grade E: a person should look at it.'}
          </Text>
          {a.reviewNote ? (
            <Text mb="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {a.reviewNote}
            </Text>
          ) : null}
          {a.supportSessionId ? (
            <Link
              data-testid="analysis-conversation"
              href={h.recordActionUrl({
                resourceId: 'chat-sessions',
                recordId: a.supportSessionId,
                actionName: 'show',
              })}
            >
              Open its support conversation
            </Link>
          ) : null}
        </Box>
      ) : null}
      <H4>Summary</H4>
      <Text mb="xl" style={{ whiteSpace: 'pre-wrap' }} data-testid="analysis-summary">
        {body.summary}
      </Text>
      <List title="Strengths" items={body.strengths} />
      <List title="Weaknesses" items={body.weaknesses} />
      <List title="Compliance issues" items={body.complianceIssues} />
      {body.priceAssessment ? (
        <Box mb="xl">
          <Label>Price assessment</Label>
          <Text>
            <Badge mr="default">{body.priceAssessment.verdict}</Badge>
            {body.priceAssessment.comment || ''}
          </Text>
        </Box>
      ) : null}
      <H3 mt="xl">Recommendations ({recs.length})</H3>
      {recs.map((r, i) => (
        <Box
          key={i}
          mb="lg"
          p="lg"
          style={{ border: '1px solid #e6e6ee', borderRadius: 4 }}
          data-testid="analysis-recommendation"
        >
          <Box flex alignItems="center" mb="sm">
            <Badge variant={PRIORITY_COLOR[r.priority] || 'default'} mr="default">
              {r.priority}
            </Badge>
            <Badge outline mr="default">
              {r.type}
            </Badge>
            <Text fontWeight="bold">{r.title}</Text>
          </Box>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{r.description}</Text>
        </Box>
      ))}
      <Text fontSize="sm" color="grey60" mt="xl">
        Analysis {a.id} · created{' '}
        {String(a.createdAt || '')
          .replace('T', ' ')
          .slice(0, 19)}{' '}
        · GPT key {a.apiKeyId || 'deleted'}
      </Text>
    </Box>
  );
};

export default AnalysisShow;
