/* SPDX-License-Identifier: Apache-2.0 */
#include "backoff.h"

static bool has_expired(uint64_t event_time, uint64_t last_update) {
	/* flowcontrol hasExpired: eventTime.Sub(lastUpdate) > maxDuration*2 */
	return event_time > last_update && event_time - last_update > 2 * BACKOFF_MAX_USEC;
}

bool backoff_in_backoff_since(const Backoff *b, uint64_t event_time, uint64_t now) {
	if (b->delay == 0)
		return false;
	if (has_expired(event_time, b->last_update))
		return false;
	return now < event_time || now - event_time < b->delay;
}

void backoff_next(Backoff *b, uint64_t event_time, uint64_t now) {
	if (b->delay == 0 || has_expired(event_time, b->last_update))
		b->delay = BACKOFF_INITIAL_USEC;
	else
		b->delay = b->delay * 2 > BACKOFF_MAX_USEC ? BACKOFF_MAX_USEC : b->delay * 2;
	b->last_update = now;
}

uint64_t backoff_until(const Backoff *b, uint64_t event_time) {
	return event_time + b->delay;
}
