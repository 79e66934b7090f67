import { DomainException } from '../../common/errors/domain.exception';
import { validateInput } from '../../common/http/validate-input';
import { StaffReplyDto } from './chat-staff.dto';
import { SendChatMessageDto } from './chat.dto';

const sessionId = '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a';

describe('chat message DTOs', () => {
  const fails = async (message: unknown) => {
    const err = await validateInput(SendChatMessageDto, { sessionId, message }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainException);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Validation failed: message' });
    return (err as DomainException).details![0].messages;
  };

  it('clean the text before judging it', async () => {
    const dto = await validateInput(SendChatMessageDto, { sessionId, message: ' <b>Hi</b> ' });
    expect(dto.message).toBe('Hi');
    expect(await fails('<script>x</script>')).toEqual([
      'message is empty once markup and control characters are removed',
    ]);
  });

  it('count characters as people do: 4,000 emoji pass, 4,001 letters or 2,001 ❤️ do not', async () => {
    await expect(
      validateInput(SendChatMessageDto, { sessionId, message: '😀'.repeat(4000) }),
    ).resolves.toBeInstanceOf(SendChatMessageDto);
    expect(await fails('a'.repeat(4001))).toEqual(['message is longer than 4000 characters']);
    expect(await fails('❤️'.repeat(2001))).toEqual(['message is longer than 4000 characters']);
  });

  it('hold staff replies to the same rules', async () => {
    const err = await validateInput(StaffReplyDto, { message: '<p> </p>' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Validation failed: message' });
    const dto = await validateInput(StaffReplyDto, { message: 'Claire <i>here</i>' });
    expect(dto.message).toBe('Claire here');
  });
});
