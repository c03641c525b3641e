package store

import (
	"context"
	"time"

	"motcua/domain"
)

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

// ClaimIdempotencyKey records that actor's request with key and hash is starting. It returns
// nil when the claim is new, or what was recorded before under that key.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, actor, key, hash string) (*IdempotentRequest, error) {
	row := idempotencyRow{Actor: actor, Key: key, RequestHash: hash, Body: []byte{}, CreatedAt: utc(s.now())}
	err := translate(s.db.WithContext(ctx).Create(&row).Error)
	if err == nil {
		return nil, nil
	} else if domain.ErrorCode(err) != domain.ECONFLICT {
		return nil, err
	}
	var prev idempotencyRow
	if err := s.db.WithContext(ctx).Where("actor = ? AND key = ?", actor, key).Take(&prev).Error; err != nil {
		return nil, translate(err)
	}
	return &IdempotentRequest{RequestHash: prev.RequestHash, Status: prev.Status, ETag: prev.ETag, Body: prev.Body}, nil
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
