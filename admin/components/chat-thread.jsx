import React, { useCallback, useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  H3,
  Label,
  Link,
  MessageBox,
  Text,
  TextArea,
} from '@adminjs/design-system';
import { ApiClient, useCurrentAdmin, ViewHelpers } from 'adminjs';

const api = new ApiClient();
const h = new ViewHelpers();
const ROLE_COLOR = { user: 'primary', assistant: 'info', staff: 'success', system: 'secondary' };
const STATUS_COLOR = { pending: 'secondary', open: 'danger', resolved: 'success' };

/**
 * A chat session's thread. Messages are React text nodes: whatever a visitor typed is shown,
 * never interpreted as HTML. Reply, assign and resolve go through ChatStaffService.
 */
const ChatThread = ({ record, resource }) => {
  const [thread, setThread] = useState(null);
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [currentAdmin] = useCurrentAdmin();

  const call = useCallback(
    async (actionName, data) => {
      setBusy(true);
      setError(null);
      try {
        const res = await api.recordAction({
          resourceId: resource.id,
          recordId: record.id,
          actionName,
          ...(data ? { data, method: 'post' } : {}),
        });
        const body = res.data || {};
        if (body.notice && body.notice.type === 'error') setError(body.notice.message);
        if (body.thread) setThread(body.thread);
        return body;
      } catch (e) {
        setError(e.message);
        return {};
      } finally {
        setBusy(false);
      }
    },
    [record.id, resource.id],
  );

  useEffect(() => {
    call('thread');
    const timer = setInterval(() => call('thread'), 5000);
    return () => clearInterval(timer);
  }, [call]);

  const reply = async (event) => {
    event.preventDefault();
    if (!text.trim()) return;
    const body = await call('reply', { text });
    if (body.thread) setText('');
  };

  if (!thread)
    return (
      <Box variant="container">
        <Text>Loading the conversation…</Text>
      </Box>
    );
  return (
    <Box variant="container" data-testid="chat-thread">
      <Box flex alignItems="center" mb="lg">
        <H3 mb="0" mr="lg">
          {thread.title || 'Chat session'}
        </H3>
        <Badge variant={STATUS_COLOR[thread.status] || 'default'} data-testid="chat-status">
          {thread.status}
        </Badge>
      </Box>
      <Text fontSize="sm" color="grey60" mb="lg">
        {thread.assignedStaffId
          ? `Assigned to ${thread.assignedStaffId === (currentAdmin && currentAdmin.id) ? 'you' : thread.assignedStaffId}`
          : 'Not assigned'}
        {thread.assistantEnabled ? ' · the assistant answers' : ' · the assistant is off'}
      </Text>
      {thread.devisId ? (
        <Text mb="lg" data-testid="chat-review-links">
          Opened for a doubtful analysis:{' '}
          <Link
            href={h.recordActionUrl({
              resourceId: 'devis',
              recordId: thread.devisId,
              actionName: 'show',
            })}
          >
            the devis
          </Link>
          {' · '}
          <Link
            data-testid="chat-review-analysis"
            href={h.resourceActionUrl({
              resourceId: 'gpt-analyses',
              actionName: 'list',
              search: `?filters.supportSessionId=${thread.id}`,
            })}
          >
            its analyses (mark them reviewed there)
          </Link>
        </Text>
      ) : null}
      {thread.rating ? (
        <Text mb="lg" data-testid="chat-rating">
          Visitor&apos;s rating: <strong>{thread.rating} / 5</strong>
          {thread.ratingComment ? ` — “${thread.ratingComment}”` : ''}
        </Text>
      ) : null}
      <Box mb="xl" data-testid="chat-messages">
        {thread.messages.map((m) => (
          <Box
            key={m.id}
            mb="default"
            p="default"
            style={{ background: m.role === 'user' ? '#f3f5ff' : '#f6f7f7', borderRadius: 4 }}
            data-testid="chat-message"
          >
            <Box flex alignItems="center" mb="sm">
              <Badge size="sm" variant={ROLE_COLOR[m.role] || 'default'} mr="default">
                {m.role}
              </Badge>
              <Text fontSize="sm" fontWeight="bold" mr="default">
                {m.senderName || ''}
              </Text>
              <Text fontSize="sm" color="grey60">
                {String(m.createdAt).replace('T', ' ').slice(0, 19)}
              </Text>
            </Box>
            <Text style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{m.content}</Text>
          </Box>
        ))}
        {thread.messages.length === 0 ? <Text>No messages yet.</Text> : null}
      </Box>
      {error ? <MessageBox variant="danger" message={error} mb="lg" /> : null}
      <Box as="form" onSubmit={reply} mb="lg">
        <Label htmlFor="chat-reply">Reply as staff</Label>
        <TextArea
          id="chat-reply"
          data-testid="chat-reply-text"
          width={1}
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <Box mt="default" flex>
          <Button
            type="submit"
            variant="contained"
            disabled={busy || !text.trim()}
            mr="default"
            data-testid="chat-reply-send"
          >
            Send reply
          </Button>
          <Button
            type="button"
            disabled={busy}
            mr="default"
            onClick={() => call('assign', {})}
            data-testid="chat-assign"
          >
            Assign to me
          </Button>
          <Button
            type="button"
            variant="outlined"
            disabled={busy || thread.status === 'resolved'}
            onClick={() => call('resolve', {})}
            data-testid="chat-resolve"
          >
            Resolve
          </Button>
        </Box>
      </Box>
    </Box>
  );
};

export default ChatThread;
