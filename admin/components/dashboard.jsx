import React, { useEffect, useState } from 'react';
import { Box, H2, H4, Link, Loader, Text } from '@adminjs/design-system';
import { ApiClient, ViewHelpers } from 'adminjs';
import { COLORS, seriesColor, StackedBar } from './chart-kit.jsx';

const api = new ApiClient();
const h = new ViewHelpers();
const W = 640;
const H = 170;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };

const fmt = (n, money) =>
  money
    ? `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`
    : Number.isInteger(n)
      ? String(n)
      : n.toFixed(1);

/** Stacked bars, one per day: drawn as SVG here (no chart library, nothing from a CDN). */
const StackedBars = ({ days, series, money, testId }) => {
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + s.values[i], 0));
  const max = Math.max(...totals, money ? 0.0001 : 1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / days.length;
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  return (
    <Box>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        data-testid={testId}
        style={{ maxWidth: W }}
      >
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#ccc" />
        <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" fontSize="10" fill="#666">
          {fmt(max, money)}
        </text>
        <text x={PAD.left - 6} y={y(0)} textAnchor="end" fontSize="10" fill="#666">
          0
        </text>
        {days.map((day, i) => {
          return (
            <g key={day}>
              <title>{`${day}: ${fmt(totals[i], money)}`}</title>
              <StackedBar
                values={series.map((s) => s.values[i])}
                keys={series.map((s) => s.label)}
                x={PAD.left + i * bw + 1}
                width={Math.max(bw - 2, 1)}
                y={y}
              />
              {i % 5 === 0 || i === days.length - 1 ? (
                <text
                  x={PAD.left + i * bw + bw / 2}
                  y={H - 6}
                  textAnchor="middle"
                  fontSize="9"
                  fill="#666"
                >
                  {day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <Box flex flexWrap="wrap" mt="sm">
        {series.map((s, k) => (
          <Box key={s.label} flex alignItems="center" mr="lg" mb="sm">
            <span
              style={{
                width: 10,
                height: 10,
                background: seriesColor(k),
                display: 'inline-block',
                marginRight: 6,
              }}
            />
            <Text fontSize="sm">
              {s.label}:{' '}
              {fmt(
                s.values.reduce((a, b) => a + b, 0),
                money,
              )}
            </Text>
          </Box>
        ))}
        {series.length === 0 ? (
          <Text fontSize="sm" color="grey60">
            Nothing in the last 30 days.
          </Text>
        ) : null}
      </Box>
    </Box>
  );
};

/** One row per ISO week: the average as a bar out of 5, with the number of ratings. */
const RatingWeeks = ({ weeks }) => (
  <Box data-testid="chat-ratings">
    {weeks.map((w) => (
      <Box key={w.week} flex alignItems="center" mb="sm" data-week={w.week}>
        <Text fontSize="sm" style={{ width: 90 }}>
          {w.week}
        </Text>
        <Box style={{ width: 200, height: 10, background: '#eef0f4', marginRight: 8 }}>
          <Box
            style={{
              width: `${((w.average || 0) / 5) * 100}%`,
              height: 10,
              background: COLORS[2],
            }}
          />
        </Box>
        <Text fontSize="sm" data-testid="chat-rating-week">
          {w.count
            ? `${w.average.toFixed(2)} / 5 (${w.count} rating${w.count > 1 ? 's' : ''})`
            : 'no rating'}
        </Text>
      </Box>
    ))}
  </Box>
);

const Card = ({ title, subtitle, children }) => (
  <Box variant="container" mb="xl" p="xl" style={{ background: '#fff' }}>
    <H4 mb="sm">{title}</H4>
    {subtitle ? (
      <Text fontSize="sm" color="grey60" mb="lg">
        {subtitle}
      </Text>
    ) : null}
    {children}
  </Box>
);

const Dashboard = () => {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api
      .getDashboard()
      .then((res) => setData(res.data))
      .catch((e) => setError(e.message));
  }, []);

  if (error)
    return (
      <Box p="xl">
        <Text>Could not load the dashboard: {error}</Text>
      </Box>
    );
  if (!data || !data.days) return <Loader />;
  const chat = data.chat;
  return (
    <Box p="xl" data-testid="passerelle-dashboard">
      <H2 mb="xl">Last 30 days</H2>
      <Card title="Open chat sessions waiting for staff">
        {chat ? (
          <Box>
            <Text fontSize="xl" fontWeight="bold" data-testid="open-chats">
              {chat.open} open, {chat.unassigned} unassigned
            </Text>
            {chat.waiting.map((w) => (
              <Box key={w.id} mt="sm">
                <Link
                  href={h.recordActionUrl({
                    resourceId: 'chat-sessions',
                    recordId: w.id,
                    actionName: 'show',
                  })}
                >
                  {w.title || w.id}
                </Link>
                <Text as="span" fontSize="sm" color="grey60">
                  {' '}
                  {w.lastMessageAt
                    ? `last message ${w.lastMessageAt.replace('T', ' ').slice(0, 16)} UTC`
                    : ''}
                </Text>
              </Box>
            ))}
          </Box>
        ) : (
          <Text>No data.</Text>
        )}
      </Card>
      <Card
        title="Support satisfaction per ISO week"
        subtitle="Visitors' ratings (1–5) of resolved conversations, by the week they rated (UTC)."
      >
        <RatingWeeks weeks={data.chatRatings || []} />
      </Card>
      <Card
        title="GPT calls per key per day"
        subtitle="Requests of each GPT key on every GPT route, per UTC day."
      >
        <StackedBars days={data.days} series={data.gptCallsByKey} testId="chart-gpt-keys" />
      </Card>
      <Card title="Analyses per day">
        <Text mb="lg" data-testid="analyses-awaiting-review">
          Analyses awaiting review: <strong>{data.analysesAwaitingReview?.count ?? 0}</strong>
          {data.analysesAwaitingReview?.oldest
            ? ` — oldest posted ${data.analysesAwaitingReview.oldest.replace('T', ' ').slice(0, 16)} UTC`
            : ''}
          {data.analysesAwaitingReview?.count ? (
            <>
              {' '}
              <Link
                href={h.resourceActionUrl({
                  resourceId: 'gpt-analyses',
                  actionName: 'list',
                  search: '?filters.reviewStatus=pending',
                })}
              >
                see them
              </Link>
            </>
          ) : null}
        </Text>
        <StackedBars
          days={data.days}
          series={[{ label: 'analyses', values: data.analysesPerDay }]}
          testId="chart-analyses"
        />
      </Card>
      <Card
        title="LLM cost per provider per day"
        subtitle="US dollars of the calls whose price is known; mock calls excluded."
      >
        <StackedBars
          days={data.days}
          series={data.llmCostByProvider}
          money
          testId="chart-llm-cost"
        />
        <Text mt="lg" fontSize="sm" data-testid="llm-unpriced-calls">
          Unpriced calls (30 days): <strong>{data.llmUnpricedCalls ?? 0}</strong>
          {data.llmUnpricedCalls
            ? ' — their price is unknown, so they are not in the cost above. Add the models to LLM_PRICING_JSON, then run npm run llm:reprice -- --only-unpriced.'
            : ''}
        </Text>
      </Card>
    </Box>
  );
};

export default Dashboard;
