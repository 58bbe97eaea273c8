// What the synthetic answers say. Greetings are what people say picking up a call from an
// unknown number; voicemail greetings and carrier announcements are written after the
// real ones (VinaPhone, Viettel, MobiFone; English follow-ups as the carriers play them).
import type { AnnouncementKind } from '../src/index.js';

export type Language = 'vi' | 'en';
export interface Line {
  readonly text: string;
  readonly language: Language;
}

export const PERSON: readonly Line[] = [
  ...[
    'Alô',
    'Alô?',
    'A lô',
    'Dạ alô',
    'Dạ alô, ai đấy ạ?',
    'Alô, ai vậy?',
    'Alô, ai đấy?',
    'Vâng, alô',
    'Dạ, em nghe',
    'Alô, tôi nghe đây',
    'Alô, xin nghe',
    'Ừ, alô',
    'Dạ vâng ạ',
    'Alô, ai gọi đấy ạ?',
    'Dạ, chị nghe đây',
    'Alô, anh Minh đây',
    'Vâng, tôi nghe',
    'Alô, em đang bận, lát gọi lại nhé',
    'Alô, ai đấy, nói đi',
  ].map((text) => ({ text, language: 'vi' as const })),
  ...[
    'Hello?',
    'Hello',
    'Hello, who is this?',
    'Yes?',
    'Hi, this is Anna.',
    'Hello, Mark speaking.',
    'Yeah, hello?',
    'Hello? He is not available right now.',
  ].map((text) => ({ text, language: 'en' as const })),
];

/** What a person says again when nobody answers their greeting. */
export const PERSON_AGAIN: readonly Line[] = [
  { text: 'Alô?', language: 'vi' },
  { text: 'Alô, ai đấy?', language: 'vi' },
  { text: 'Alô alô', language: 'vi' },
  { text: 'Hello?', language: 'en' },
];

export const VOICEMAIL: readonly Line[] = [
  ...[
    'Xin chào, bạn đã gọi đến hộp thư thoại của Minh. Vui lòng để lại lời nhắn sau tiếng bíp.',
    'Chào bạn, hiện tại mình không thể nghe máy. Vui lòng để lại lời nhắn, mình sẽ gọi lại sau.',
    'Xin chào, đây là số điện thoại của Lan. Tôi đang bận, xin vui lòng để lại lời nhắn sau tiếng bíp.',
    'Chào anh chị, em đang họp, không nghe máy được. Anh chị nhắn tin giúp em nhé, cảm ơn.',
    'Xin chào, cảm ơn bạn đã gọi cho công ty Hoàng Long. Hiện chúng tôi không thể trả lời cuộc gọi, xin hãy để lại lời nhắn.',
    'Đây là hộp thư thoại của số máy không chín không ba. Xin mời để lại lời nhắn.',
    'Quý khách vui lòng để lại lời nhắn sau tiếng bíp.',
  ].map((text) => ({ text, language: 'vi' as const })),
  ...[
    "Hi, you've reached John. I can't come to the phone right now, please leave a message after the beep.",
    'Hello, you have reached the voicemail of Sarah Nguyen. Please leave your name and number and I will call you back.',
    'The person you are calling is not available. Please record your message after the tone.',
    'Thanks for calling Acme Logistics. Our office is closed right now. Please leave a message and we will get back to you.',
    "Hey, it's Mike. Leave me a message.",
  ].map((text) => ({ text, language: 'en' as const })),
];

export interface Announcement {
  readonly kind: AnnouncementKind;
  readonly vi: readonly string[];
  readonly en: string;
}

export const ANNOUNCEMENTS: readonly Announcement[] = [
  {
    kind: 'busy',
    vi: [
      'Thuê bao quý khách vừa gọi hiện đang bận, xin quý khách vui lòng gọi lại sau.',
      'Số máy quý khách vừa gọi hiện đang bận, xin vui lòng gọi lại sau.',
    ],
    en: 'The number you are calling is busy, please call again later.',
  },
  {
    kind: 'unreachable',
    vi: [
      'Thuê bao quý khách vừa gọi tạm thời không liên lạc được, xin quý khách vui lòng gọi lại sau.',
      'Thuê bao quý khách vừa gọi hiện không liên lạc được, xin quý khách vui lòng gọi lại sau.',
    ],
    en: 'The subscriber you are calling cannot be reached, please try again later.',
  },
  {
    kind: 'out-of-coverage',
    vi: [
      'Thuê bao quý khách vừa gọi hiện đang nằm ngoài vùng phủ sóng, xin quý khách vui lòng gọi lại sau.',
    ],
    en: 'The subscriber you are calling is out of coverage area, please try again later.',
  },
  {
    kind: 'invalid-number',
    vi: ['Số máy quý khách vừa gọi không có thực, xin quý khách vui lòng kiểm tra lại.'],
    en: 'The number you have dialled does not exist, please check the number.',
  },
  {
    kind: 'suspended',
    vi: [
      'Số thuê bao quý khách vừa gọi tạm ngưng cung cấp dịch vụ, xin quý khách vui lòng gọi lại sau.',
    ],
    en: 'The subscriber you are calling has been temporarily suspended.',
  },
  {
    kind: 'no-answer',
    vi: ['Thuê bao quý khách vừa gọi hiện không trả lời, xin quý khách vui lòng gọi lại sau.'],
    en: 'The subscriber you are calling is not answering, please try again later.',
  },
];
