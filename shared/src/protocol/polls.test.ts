import { describe, expect, it } from 'vitest';
import { pollInput } from './polls.js';

const multiple = (maxChoices: number | null) => ({
  question: 'Welche Themen?',
  type: 'multiple',
  options: [{ label: 'Förderung' }, { label: 'Ehrenamt' }, { label: 'Räume' }],
  maxChoices,
});

describe('pollInput: maxChoices', () => {
  it('accepts up to as many choices as the poll has options', () => {
    expect(pollInput.safeParse(multiple(3)).success).toBe(true);
    expect(pollInput.safeParse(multiple(1)).success).toBe(true);
    expect(pollInput.safeParse(multiple(null)).success).toBe(true);
  });

  it('refuses more choices than options, naming maxChoices', () => {
    const result = pollInput.safeParse(multiple(4));
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['maxChoices']);
  });
});
