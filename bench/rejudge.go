package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"motcua/domain"
)

// rejudgeYear is the year whose calendar the rejudge part changes: the last whole year of
// the history, the busiest.
const rejudgeYear = 2025

// rejudgePhase: a year's calendar changes over the province's history (the announced
// holidays of rejudgeYear are taken away, so every dossier whose clock ran between its first
// and its last holiday is judged again); it measures how long the re-judgement takes and its
// rate, and intake at 16 connections while it runs against the same load just before it.
func (r *runner) rejudgePhase(ctx context.Context, srv *server, p *Province, size string) error {
	var announced domain.CalendarYear
	for _, y := range p.Calendar {
		if y.Year == rejudgeYear {
			announced = y
		}
	}
	if len(announced.Holidays) == 0 {
		return fmt.Errorf("rejudge: no shipped calendar for %d", rejudgeYear)
	}
	first, last := announced.Holidays[0], announced.Holidays[len(announced.Holidays)-1]

	bodies := intakeBodies(p, false, "Trần", "095")
	intake := func(d time.Duration) Result {
		return intakeLoad(srv, bodies, d).Run(ctx)
	}
	r.logf("load: intake without a re-judgement, 16 connections, %s", r.o.Phase)
	without := intake(r.o.Phase)
	if without.Requests == 0 {
		return fmt.Errorf("rejudge: intake stored nothing (%d errors, first: %s)", without.Errors, without.FirstError)
	}

	// Intake while the re-judgement runs, from the PUT on, as long as the phase or until it
	// is done.
	loadDone := make(chan Result, 1)
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	go func() { loadDone <- intakeLoad(srv, bodies, r.o.Phase).Run(loadCtx) }()
	r.logf("rejudge: PUT /api/v1/calendar/%d without its holidays (%s … %s)", rejudgeYear, first, last)
	start := time.Now()
	var put struct {
		Rejudge *struct {
			ID int64 `json:"id"`
		} `json:"rejudge"`
	}
	status, err := srv.do("PUT", fmt.Sprintf("/api/v1/calendar/%d", rejudgeYear), "",
		map[string]any{"holidays": []string{}, "extra_workdays": []string{}, "source": "bench: weekends only"}, &put)
	if err != nil {
		return err
	} else if status != http.StatusOK || put.Rejudge == nil {
		return fmt.Errorf("rejudge: PUT answered %d without a re-judgement", status)
	}
	answered := time.Since(start)

	type progress struct {
		Done, Changed int64
		Finished      bool
		CreatedAt     time.Time  `json:"created_at"`
		FinishedAt    *time.Time `json:"finished_at"`
	}
	var prog progress
	poll := func() error {
		_, err := srv.do("GET", fmt.Sprintf("/api/v1/calendar/rejudgements/%d", put.Rejudge.ID), "", nil, &prog)
		return err
	}
	var during Result
	var took time.Duration
	loadOver := false
	for deadline := time.Now().Add(30 * time.Minute); ; {
		if err := poll(); err != nil {
			return err
		}
		if prog.Finished && took == 0 {
			// As the service recorded them; intake is measured during the re-judgement only.
			took = prog.FinishedAt.Sub(prog.CreatedAt)
			stopLoad()
		}
		if !loadOver {
			select {
			case during = <-loadDone:
				loadOver = true
			default:
			}
		}
		if took > 0 && loadOver {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("rejudge: not finished after 30 minutes (%d done)", prog.Done)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rate := float64(prog.Done) / took.Seconds()
	r.add(Row{Measure: fmt.Sprintf("re-judgement after the %d calendar changed (holidays %s … %s taken away), %s dossiers of history: %s judged again, %s changed",
		rejudgeYear, first, last, size, count(prog.Done), count(prog.Changed)),
		Motcua:   fmt.Sprintf("%s, %.0f dossiers/s (the PUT answered after %s)", secs(took), rate, ms(answered)),
		Baseline: "–", Ratio: "–", Goal: "minutes", Met: yes(took < 10*time.Minute)})
	if during.Requests == 0 {
		return fmt.Errorf("rejudge: intake during the re-judgement stored nothing (%d errors, first: %s)", during.Errors, during.FirstError)
	}
	ratio := during.Rate() / without.Rate()
	met := yes(ratio >= 0.5)
	if during.Elapsed < 2*time.Second {
		met = "– (too short to tell)"
	}
	r.add(Row{Measure: "intake `POST /api/v1/dossiers`, 16 connections, while the re-judgement runs",
		Motcua: fmt.Sprintf("%.0f dossiers/s over %s, p50 %s, p99 %s%s", during.Rate(), secs(during.Elapsed), ms(during.Quantile(0.5)),
			ms(during.Quantile(0.99)), errNote(during)),
		Baseline: fmt.Sprintf("the same load just before: %.0f dossiers/s, p99 %s", without.Rate(), ms(without.Quantile(0.99))),
		Ratio:    fmt.Sprintf("%.2f×", ratio), Goal: "≥ 0.5×", Met: met})
	return nil
}
