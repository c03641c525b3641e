package domain

import (
	"fmt"
	"time"
)

// dlMaxYears bounds the scan of the years a deadline counts through.
const dlMaxYears = 200

// explain writes, in Vietnamese, how the replay reached its due time, step by step, so that
// staff can explain it to a citizen; it also fills dl's skipped days, compensatory working
// days and years without a calendar.
func explain(c *Calendar, run clockRun, limit TimeLimit, dl *Deadline) []string {
	law := LawAt(DateOf(run.received))
	steps := []string{"Tiếp nhận hồ sơ lúc " + dlMoment(run.received) + " (căn cứ " + law.Decree + ")."}
	if run.start.Equal(run.received) || run.start.Equal(run.received.Truncate(time.Minute)) {
		steps = append(steps, "Bắt đầu tính thời hạn ngay khi tiếp nhận.")
	} else {
		steps = append(steps, "Tiếp nhận ngoài giờ làm việc: bắt đầu tính thời hạn từ "+dlMoment(run.start)+".")
	}
	switch l := limit.clamped(); {
	case l.Days == 0 && l.Hours == 0:
		steps = append(steps, "Thời hạn giải quyết: trong ngày, đến hết giờ làm việc của ngày bắt đầu tính.")
	case l.Days != 0:
		steps = append(steps, fmt.Sprintf("Thời hạn giải quyết: %s, mỗi ngày %s làm việc, tổng cộng %s làm việc.",
			dl.LimitText, dlWork(c.perDay), dlWork(run.workingTime)))
	default:
		steps = append(steps, fmt.Sprintf("Thời hạn giải quyết: %s.", dl.LimitText))
	}
	for _, s := range run.steps {
		if line := explainStep(s); line != "" {
			if s.effect == effectRestarted {
				line = line[:len(line)-1] + " (" + law.Cite("19.4") + ")."
			}
			steps = append(steps, line)
		}
	}
	steps = append(steps, explainDays(c, run, dl)...)
	if run.lateAt != nil {
		steps = append(steps, fmt.Sprintf("Hồ sơ đã quá hạn từ %s: việc dừng, tính lại thời hạn sau đó không xóa việc trễ hạn.", dlMoment(*run.lateAt)))
	}
	if !run.running {
		steps = append(steps, fmt.Sprintf("Đang dừng tính thời hạn, còn lại %s làm việc; hạn trước khi dừng là %s.", dlWork(run.remaining), dlMoment(run.due)))
	} else {
		steps = append(steps, "Hạn trả kết quả: "+dlMoment(run.due)+".")
	}
	return steps
}

// explainStep is the line of one clock event; "" for an event that changed nothing.
func explainStep(s clockStep) string {
	what := map[ClockKind]string{ClockPaused: "Tạm dừng giải quyết", ClockSupplementRequested: "Yêu cầu bổ sung hồ sơ",
		ClockResumed: "Tiếp tục giải quyết", ClockSupplementReceived: "Nhận đủ hồ sơ bổ sung"}[s.kind]
	switch s.effect {
	case effectStopped:
		return fmt.Sprintf("%s lúc %s: dừng tính thời hạn, còn lại %s làm việc.", what, dlMoment(s.at), dlWork(s.remaining))
	case effectStoppedLate:
		return fmt.Sprintf("%s lúc %s: dừng tính thời hạn, khi đó đã hết thời hạn.", what, dlMoment(s.at))
	case effectRestarted:
		return fmt.Sprintf("%s lúc %s: tính lại thời hạn từ đầu, từ %s.", what, dlMoment(s.at), dlMoment(s.resume))
	case effectResumed:
		return fmt.Sprintf("%s lúc %s: tính tiếp thời hạn từ %s, hạn lùi thêm %s làm việc.", what, dlMoment(s.at), dlMoment(s.resume), dlWork(s.added))
	case effectResumedAfterDue:
		return fmt.Sprintf("%s lúc %s: thời hạn đã hết trước khi dừng nên không thay đổi.", what, dlMoment(s.at))
	}
	return ""
}

// explainDays lists the days from the clock start to the due time that the clock did not
// count (weekends, holidays) and the compensatory working days it did, and the calendar each
// year from the intake on is counted with (announced, statutory, custom, or none); it fills
// them into dl.
func explainDays(c *Calendar, run clockRun, dl *Deadline) []string {
	dl.SkippedDays, dl.ExtraWorkdays, dl.MissingYears, dl.CalendarYears = []SkippedDay{}, []Date{}, []int{}, []DeadlineYear{}
	var steps []string
	var weekends int
	var holidays []Date
	first, end := DateOf(run.start), DateOf(run.due)
	for i, d := 0, first; i < calMaxWalkDays && !d.After(end); i, d = i+1, d.AddDays(1) {
		switch {
		case c.extras[d]:
			dl.ExtraWorkdays = append(dl.ExtraWorkdays, d)
		case c.isHoliday(d):
			dl.SkippedDays = append(dl.SkippedDays, SkippedDay{d, SkipHoliday})
			holidays = append(holidays, d)
		case !c.IsWorkday(d):
			dl.SkippedDays = append(dl.SkippedDays, SkippedDay{d, SkipWeekend})
			weekends++
		}
	}
	if weekends > 0 {
		steps = append(steps, fmt.Sprintf("Không tính %d ngày nghỉ cuối tuần.", weekends))
	}
	if len(holidays) > 0 {
		steps = append(steps, fmt.Sprintf("Không tính %d ngày nghỉ lễ, Tết: %s.", len(holidays), dlDates(holidays)))
	}
	if len(dl.ExtraWorkdays) > 0 {
		steps = append(steps, fmt.Sprintf("Tính cả ngày làm bù: %s.", dlDates(dl.ExtraWorkdays)))
	}
	for y, i := DateOf(run.received).Year, 0; y <= DateOf(run.last).Year && i < dlMaxYears; y, i = y+1, i+1 {
		kind := c.YearKind(y)
		dl.CalendarYears = append(dl.CalendarYears, DeadlineYear{Year: y, Source: kind, Provisional: kind.Provisional()})
		switch kind {
		case "":
			dl.MissingYears = append(dl.MissingYears, y)
			steps = append(steps, fmt.Sprintf("Chưa có lịch nghỉ lễ năm %d: chỉ trừ thứ Bảy, Chủ nhật.", y))
		case CalendarAnnounced:
			steps = append(steps, fmt.Sprintf("Năm %d: tính theo lịch nghỉ lễ, Tết đã công bố.", y))
		case CalendarStatutory:
			steps = append(steps, fmt.Sprintf("Năm %d: chưa có lịch nghỉ lễ công bố, tạm tính các ngày nghỉ lễ, Tết theo Bộ luật Lao động 2019 điều 112 (có thể thay đổi khi lịch được công bố).", y))
		default:
			steps = append(steps, fmt.Sprintf("Năm %d: tính theo lịch nghỉ lễ, Tết do quản trị viên nhập.", y))
		}
	}
	return steps
}
