package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// WorkChannel is the channel a transaction notifies, on commit, when it
// makes a job run STARTING or a crawl RUNNING that no node holds yet: work
// for whichever dispatcher sees it first.
const WorkChannel = "epoxy_work"

// Listener is a start/stop service that LISTENs on WorkChannel on a
// connection of its own and calls Wake for each notification, so that
// dispatchers on every replica and worker pick new work up at once rather
// than at their next poll. It reconnects after a lost connection (waking
// once then, since notifications may have been missed). Connection
// poolers in transaction mode do not support LISTEN: run without a
// Listener there, and dispatchers rely on their poll alone.
type Listener struct {
	Store *Store
	Wake  func()
	Log   *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start listens in the background until Stop.
func (l *Listener) Start(ctx context.Context) {
	ctx, l.cancel = context.WithCancel(ctx)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for ctx.Err() == nil {
			if err := l.listen(ctx); err != nil && ctx.Err() == nil {
				l.Log.Warn("listen for new work; retrying", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
}

// Stop ends listening.
func (l *Listener) Stop() {
	if l.cancel != nil {
		l.cancel()
	}
	l.wg.Wait()
}

func (l *Listener) listen(ctx context.Context) error {
	c, err := l.Store.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	conn := c.Hijack() // out of the pool: LISTEN belongs to this session
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+WorkChannel); err != nil {
		return err
	}
	l.Wake() // anything notified while not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		l.Wake()
	}
}
