import { Foundation1763769600000 } from './1763769600000-Foundation';
import { DevisAndAnalyses1763856000000 } from './1763856000000-DevisAndAnalyses';
import { LlmKeyVault1763942400000 } from './1763942400000-LlmKeyVault';
import { LlmUsageConversationsTemplates1764028800000 } from './1764028800000-LlmUsageConversationsTemplates';
import { Chat1764115200000 } from './1764115200000-Chat';
import { AdminSessions1764201600000 } from './1764201600000-AdminSessions';
import { Feedback1764288000000 } from './1764288000000-Feedback';
import { GptKeyUsageDaily1764374400000 } from './1764374400000-GptKeyUsageDaily';
import { AssistantToolCalls1764460800000 } from './1764460800000-AssistantToolCalls';
import { OAuth1764547200000 } from './1764547200000-OAuth';
import { OAuthAdminViews1764633600000 } from './1764633600000-OAuthAdminViews';
import { Timesheets1764720000000 } from './1764720000000-Timesheets';
import { SearchAndForeignKeyIndexes1764806400000 } from './1764806400000-SearchAndForeignKeyIndexes';
import { LlmGatewayAttempts1764979200000 } from './1764979200000-LlmGatewayAttempts';
import { UnpricedUsage1765065600000 } from './1765065600000-UnpricedUsage';
import { DoubtfulAnalysisReview1765152000000 } from './1765152000000-DoubtfulAnalysisReview';
import { ChatRatingAndWelcomeLanguages1765238400000 } from './1765238400000-ChatRatingAndWelcomeLanguages';
import { TimesheetAdminViews1765324800000 } from './1765324800000-TimesheetAdminViews';

/** Applied in this order; add each new migration class here. */
export const migrations = [
  Foundation1763769600000,
  DevisAndAnalyses1763856000000,
  LlmKeyVault1763942400000,
  LlmUsageConversationsTemplates1764028800000,
  Chat1764115200000,
  AdminSessions1764201600000,
  Feedback1764288000000,
  GptKeyUsageDaily1764374400000,
  AssistantToolCalls1764460800000,
  OAuth1764547200000,
  OAuthAdminViews1764633600000,
  Timesheets1764720000000,
  SearchAndForeignKeyIndexes1764806400000,
  LlmGatewayAttempts1764979200000,
  UnpricedUsage1765065600000,
  DoubtfulAnalysisReview1765152000000,
  ChatRatingAndWelcomeLanguages1765238400000,
  TimesheetAdminViews1765324800000,
];
