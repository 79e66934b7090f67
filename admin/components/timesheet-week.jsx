import React, { useEffect, useState } from 'react';
import { Box, Button, H2, H4, Link, Loader, Text } from '@adminjs/design-system';
import { ApiClient, ViewHelpers } from 'adminjs';
import { seriesColor, StackedBar } from './chart-kit.jsx';

const api = new ApiClient();
const h = new ViewHelpers();
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const W = 640;
const H = 200;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };

/** Hours with at most two decimals (450 minutes: 7.5). */
const hours = (minutes) => String(Math.round((minutes / 60) * 100) / 100);
const cell = { padding: '6px 10px', borderBottom: '1px solid #eee', textAlign: 'right' };
const first = { ...cell, textAlign: 'left' };

const weekOfUrl = () => new URLSearchParams(window.location.search).get('week') || '';

/** The entries list (or its CSV export) filtered on that week, and a person or project. */
const entriesUrl = (data, extra = {}, action) => {
  const search = new URLSearchParams({
    'filters.date~~from': data.days[0],
    'filters.date~~to': data.days[6],
    ...extra,
  });
  return action
    ? h.resourceActionUrl({
        resourceId: 'timesheet-entries',
        actionName: action,
        search: `?${search}`,
      })
    : `${h.listUrl('timesheet-entries')}?${search}`;
};

/** Hours per day of the week, stacked by project: SVG drawn here (no chart library). */
const WeekChart = ({ data }) => {
  const max = Math.max(...data.dayMinutes, 60);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / 7;
  const y = (m) => PAD.top + plotH - (m / max) * plotH;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label="Hours per day and project"
      data-testid="chart-week-hours"
      style={{ maxWidth: W }}
    >
      <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#ccc" />
      <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" fontSize="10" fill="#666">
        {hours(max)} h
      </text>
      <text x={PAD.left - 6} y={y(0)} textAnchor="end" fontSize="10" fill="#666">
        0
      </text>
      {data.days.map((day, i) => (
        <g key={day}>
          <title>{`${day}: ${hours(data.dayMinutes[i])} h`}</title>
          <StackedBar
            values={data.projects.map((p) => p.days[i])}
            keys={data.projects.map((p) => p.projectId)}
            x={PAD.left + i * bw + 4}
            width={Math.max(bw - 8, 1)}
            y={y}
          />
          <text
            x={PAD.left + i * bw + bw / 2}
            y={H - 8}
            textAnchor="middle"
            fontSize="10"
            fill="#666"
          >
            {`${DAY_NAMES[i]} ${day.slice(8)}/${day.slice(5, 7)}`}
          </text>
        </g>
      ))}
    </svg>
  );
};

const Card = ({ title, children }) => (
  <Box variant="container" mb="xl" p="xl" style={{ background: '#fff' }}>
    <H4 mb="lg">{title}</H4>
    {children}
  </Box>
);

/** Everyone's hours of one week: a chart per day and project, the figures, per person. */
const TimesheetWeek = () => {
  const [week, setWeek] = useState(weekOfUrl);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    setData(null);
    api
      .getPage({ pageName: 'timesheetWeek', params: week ? { week } : {} })
      .then((res) => setData(res.data))
      .catch((e) => setError(e.message));
  }, [week]);

  const go = (to) => {
    window.history.replaceState(null, '', `${window.location.pathname}?week=${to}`);
    setWeek(to);
  };

  if (error) return <Text p="xl">Could not load the week: {error}</Text>;
  if (!data) return <Loader />;
  if (!data.days) return <Text p="xl">No access.</Text>;
  return (
    <Box p="xl" data-testid="timesheet-week" data-week={data.week}>
      <Box flex alignItems="center" mb="xl">
        <H2 mb={0} mr="xl">
          Week of {data.days[0]} to {data.days[6]}
        </H2>
        <Button size="sm" mr="sm" onClick={() => go(data.previousWeek)} data-testid="week-prev">
          ← Previous
        </Button>
        <Button size="sm" onClick={() => go(data.nextWeek)} data-testid="week-next">
          Next →
        </Button>
      </Box>
      <Text mb="xl" fontSize="lg">
        Total: <strong data-testid="week-total">{hours(data.totalMinutes)}</strong> h ·{' '}
        <Link href={entriesUrl(data)}>the entries</Link> ·{' '}
        <Link href={entriesUrl(data, {}, 'exportCsv')} data-testid="week-export">
          export as CSV
        </Link>
      </Text>
      <Card title="Hours per day and project">
        <WeekChart data={data} />
        <Box flex flexWrap="wrap" mt="sm">
          {data.projects.map((p, k) => (
            <Box key={p.projectId} flex alignItems="center" mr="lg" mb="sm">
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
                {p.customer} / {p.project}: {hours(p.minutes)} h
              </Text>
            </Box>
          ))}
          {data.projects.length === 0 ? (
            <Text fontSize="sm" color="grey60" data-testid="week-empty">
              No time booked this week.
            </Text>
          ) : null}
        </Box>
      </Card>
      <Card title="Hours per project">
        <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="week-table">
          <thead>
            <tr>
              <th style={first}>Project</th>
              {data.days.map((d, i) => (
                <th key={d} style={cell}>{`${DAY_NAMES[i]} ${d.slice(8)}`}</th>
              ))}
              <th style={cell}>Week</th>
            </tr>
          </thead>
          <tbody>
            {data.projects.map((p) => (
              <tr key={p.projectId} data-testid="week-project" data-project-id={p.projectId}>
                <td style={first}>
                  <Link href={entriesUrl(data, { 'filters.projectId': p.projectId })}>
                    {p.customer} / {p.project}
                  </Link>
                </td>
                {p.days.map((m, i) => (
                  <td key={i} style={cell} data-testid={`hours-${p.projectId}-${i}`}>
                    {m ? hours(m) : ''}
                  </td>
                ))}
                <td style={{ ...cell, fontWeight: 'bold' }} data-testid={`hours-${p.projectId}`}>
                  {hours(p.minutes)}
                </td>
              </tr>
            ))}
            <tr>
              <td style={{ ...first, fontWeight: 'bold' }}>All projects</td>
              {data.dayMinutes.map((m, i) => (
                <td key={i} style={{ ...cell, fontWeight: 'bold' }} data-testid={`day-total-${i}`}>
                  {m ? hours(m) : ''}
                </td>
              ))}
              <td style={{ ...cell, fontWeight: 'bold' }}>{hours(data.totalMinutes)}</td>
            </tr>
          </tbody>
        </table>
      </Card>
      <Card title="Hours per person">
        <table style={{ borderCollapse: 'collapse' }} data-testid="week-people">
          <tbody>
            {data.people.map((p) => (
              <tr key={p.userId}>
                <td style={first}>
                  <Link href={entriesUrl(data, { 'filters.userId': p.userId })}>
                    {p.name || p.email}
                  </Link>{' '}
                  <Text as="span" fontSize="sm" color="grey60">
                    {p.email}
                  </Text>
                </td>
                <td style={{ ...cell, fontWeight: 'bold' }} data-testid={`person-${p.userId}`}>
                  {hours(p.minutes)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </Box>
  );
};

export default TimesheetWeek;
