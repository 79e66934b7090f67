import React from 'react';
import { Box, Label, Text } from '@adminjs/design-system';

/** A property shown as plain text (chat messages): React escapes it, line breaks kept. */
const PlainText = (props) => {
  const { record, property, where } = props;
  const value = record.params[property.path];
  const text = value === undefined || value === null ? '' : String(value);
  if (where === 'list') {
    return <Text>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</Text>;
  }
  return (
    <Box mb="xl">
      <Label>{property.label}</Label>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{text}</Text>
    </Box>
  );
};

export default PlainText;
