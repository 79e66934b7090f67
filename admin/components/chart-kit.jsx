import React from 'react';

/** What the back-office charts (dashboard, timesheets week) share: colours and stacked bars. */

/** The series colours, in order of use. */
export const COLORS = [
  '#3040d6',
  '#e0762c',
  '#2aa876',
  '#c2397d',
  '#8c6cd9',
  '#b59a1a',
  '#3a9fc0',
  '#7a7a7a',
];

/** The colour of the k-th series (they repeat after eight). */
export const seriesColor = (k) => COLORS[k % COLORS.length];

/**
 * One stacked bar: a rect per non-zero value, bottom-up, coloured by the value's series
 * index. `y` maps a value to the SVG's y (0 at the axis).
 */
export const StackedBar = ({ values, keys, x, width, y }) => {
  let base = 0;
  return values.map((v, k) => {
    if (!v) return null;
    const rect = (
      <rect
        key={keys[k]}
        x={x}
        width={width}
        y={y(base + v)}
        height={y(base) - y(base + v)}
        fill={seriesColor(k)}
      />
    );
    base += v;
    return rect;
  });
};
