/* windsock-fuzzy.c — subsequence matching with word-start and run bonuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "windsock-fuzzy.h"

#include <string.h>

enum
{
  SCORE_CHAR       = 1,
  BONUS_RUN        = 5,   /* follows the previous matched character */
  BONUS_WORD_START = 8,   /* "prod" in "airflow-prod" */
  BONUS_PREFIX     = 10,  /* the text starts with the first character */
  BONUS_EXACT      = 20,
};

static gboolean
is_word_start (const char *text,
               gsize       i)
{
  return i == 0 || strchr ("-_ ./:", text[i - 1]) != NULL ||
         (g_ascii_islower (text[i - 1]) && g_ascii_isupper (text[i]));
}

/* Greedy match of @pattern starting at @start, which matches its first
 * character; -1 when the rest does not fit. */
static int
score_from (const char *pattern,
            const char *text,
            gsize       start)
{
  gsize previous = start;
  int score = SCORE_CHAR + (is_word_start (text, start) ? BONUS_WORD_START : 0) +
              (start == 0 ? BONUS_PREFIX : 0);

  for (const char *p = pattern + 1; *p != '\0'; p++)
    {
      gsize i = previous + 1;

      while (text[i] != '\0' && g_ascii_tolower (text[i]) != g_ascii_tolower (*p))
        i++;
      if (text[i] == '\0')
        return -1;

      score += SCORE_CHAR;
      if (i == previous + 1)
        score += BONUS_RUN;
      else if (is_word_start (text, i))
        score += BONUS_WORD_START;
      /* Long gaps say the letters belong to different words. */
      score -= MIN ((int) (i - previous - 1), 3);
      previous = i;
    }

  return score;
}

int
windsock_fuzzy_score (const char *pattern,
                      const char *text)
{
  int best = -1;

  g_return_val_if_fail (pattern != NULL, -1);

  if (*pattern == '\0')
    return 0;
  if (text == NULL)
    return -1;
  if (g_ascii_strcasecmp (pattern, text) == 0)
    return (int) strlen (pattern) * (SCORE_CHAR + BONUS_RUN) + BONUS_PREFIX + BONUS_EXACT;

  /* Every start: the first occurrence is not always the best one
   * ("ana" in "banana-analytics"). */
  for (gsize i = 0; text[i] != '\0'; i++)
    if (g_ascii_tolower (text[i]) == g_ascii_tolower (*pattern))
      best = MAX (best, score_from (pattern, text, i));

  return best;
}
