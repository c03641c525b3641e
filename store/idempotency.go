package store

import (
	"context"
	"time"

	"motcua/domain"
)

// DefaultIdempotencyTTL is how long an Idempotency-Key and its answer are kept unless the
// deployment says otherwise (MOTCUA_IDEMPOTENCY_TTL).
const DefaultIdempotencyTTL = 24 * time.Hour

type idempotencyRow struct {
	Actor       string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	RequestHash string
	Status      int
	ETag        string `gorm:"column:etag"`
	Body        []byte
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// IdempotentRequest is what was recorded for an Idempotency-Key; Status 0 means still running.
type IdempotentRequest struct {
	RequestHash string
	Status      int
	ETag        string // the answer's ETag header, "" for none
	Body        []byte
}

// ClaimIdempotencyKey records that actor's request with key and hash starts at at. It returns
// nil when the claim is the caller's, or what was recorded before under that key. A record
// made before expiredBefore has expired, and a claim still "in progress" since before
// staleBefore was left by a request whose release failed or whose process died: either is
// taken over by this claim, as if the key were new.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, actor, key, hash string, at, expiredBefore, staleBefore time.Time) (*IdempotentRequest, error) {
	db := s.db.WithContext(ctx)
	for attempt := 0; ; attempt++ {
		row := idempotencyRow{Actor: actor, Key: key, RequestHash: hash, Body: []byte{}, CreatedAt: utc(at)}
		err := translate(db.Create(&row).Error)
		if err == nil {
			return nil, nil
		} else if domain.ErrorCode(err) != domain.ECONFLICT {
			return nil, err
		}
		res := db.Model(&idempotencyRow{}).
			Where("actor = ? AND key = ? AND (created_at < ? OR (status = 0 AND created_at < ?))", actor, key, utc(expiredBefore), utc(staleBefore)).
			Updates(map[string]any{"request_hash": hash, "status": 0, "etag": "", "body": []byte{}, "created_at": utc(at)})
		if res.Error != nil {
			return nil, translate(res.Error)
		}
		if res.RowsAffected == 1 {
			return nil, nil
		}
		var prev idempotencyRow
		err = translate(db.Where("actor = ? AND key = ?", actor, key).Take(&prev).Error)
		if domain.ErrorCode(err) == domain.ENOTFOUND && attempt < 3 {
			continue // released or purged meanwhile: claim it afresh
		} else if err != nil {
			return nil, err
		}
		return &IdempotentRequest{RequestHash: prev.RequestHash, Status: prev.Status, ETag: prev.ETag, Body: prev.Body}, nil
	}
}

// CompleteIdempotencyKey keeps the answer of a claimed request: its status, ETag and body.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, actor, key string, status int, etag string, body []byte) error {
	return translate(s.db.WithContext(ctx).Model(&idempotencyRow{}).Where("actor = ? AND key = ?", actor, key).
		Updates(map[string]any{"status": status, "etag": etag, "body": body}).Error)
}

// ReleaseIdempotencyKey drops a claim whose request failed, so that it may be tried again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, actor, key string) error {
	return translate(s.db.WithContext(ctx).Where("actor = ? AND key = ? AND status = 0", actor, key).Delete(&idempotencyRow{}).Error)
}

// PurgeIdempotencyKeys deletes every Idempotency-Key recorded before before and returns how
// many went.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", utc(before)).Delete(&idempotencyRow{})
	return res.RowsAffected, translate(res.Error)
}
