package domain_test

import (
	"testing"
	"time"

	"motcua/domain"
)

// TestLunarNewYear holds the computed first day of the lunar year (Tết Nguyên đán) to the
// dates Vietnam kept. Sources:
//   - [HND] Hồ Ngọc Đức, "Âm lịch Việt Nam", tables of Tết 1800–2199 computed at UTC+7
//     (https://www.informatik.uni-leipzig.de/~duc/amlich/), and his note "Lịch Việt Nam và lịch
//     Trung Quốc" on the years the two differ;
//   - [1968] the Tết offensive: North Vietnam, on UTC+7 since 1967, kept Tết on 29/1/1968;
//     the South (UTC+8) on 30/1 (e.g. Wikipedia, "Tết Offensive", background);
//   - [1985] Tết Ất Sửu: 21/1/1985 in Vietnam, 20/2/1985 in China, the largest difference
//     (Hồ Ngọc Đức, above; Wikipedia "Tết", "Vietnamese calendar");
//   - [2007] Tết Đinh Hợi: 17/2/2007 in Vietnam, 18/2/2007 in China (the new moon fell at
//     23:14 UTC+7 on the 17th, after midnight in China) (Wikipedia, "Vietnamese calendar");
//   - [TB] the government's yearly notices of the Tết holiday: Thông báo 5015/TB-LĐTBXH
//     (22/11/2023) for 10/2/2024, Công văn 8726/VPCP-KGVX (26/11/2024) for 29/1/2025,
//     Công văn 9859/VPCP-KGVX (13/10/2025) for 17/2/2026 (mùng 1 Tết Bính Ngọ), and for
//     earlier years the Labour Ministry's notices as reported by Vietnam News each year.
func TestLunarNewYear(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year int
		want string
		src  string
	}{
		{1968, "1968-01-29", "1968"},
		{1970, "1970-02-06", "HND"},
		{1975, "1975-02-11", "HND"},
		{1976, "1976-01-31", "HND"},
		{1980, "1980-02-16", "HND"},
		{1984, "1984-02-02", "HND"},
		{1985, "1985-01-21", "1985"}, // China: 20/2/1985
		{1990, "1990-01-27", "HND"},
		{1995, "1995-01-31", "HND"},
		{2000, "2000-02-05", "HND"},
		{2004, "2004-01-22", "HND"},
		{2005, "2005-02-09", "HND"},
		{2007, "2007-02-17", "2007"}, // China: 18/2/2007
		{2010, "2010-02-14", "HND"},
		{2015, "2015-02-19", "TB"},
		{2019, "2019-02-05", "TB"},
		{2020, "2020-01-25", "TB"},
		{2021, "2021-02-12", "TB"},
		{2022, "2022-02-01", "TB"},
		{2023, "2023-01-22", "TB"},
		{2024, "2024-02-10", "TB"},
		{2025, "2025-01-29", "TB"},
		{2026, "2026-02-17", "TB"},
		{2027, "2027-02-06", "HND"}, // a Saturday
	}
	for _, tt := range tests {
		got := domain.LunarNewYear(tt.year)
		if got.String() != tt.want {
			t.Errorf("Tết %d: got %s, want %s (%s)", tt.year, got, tt.want, tt.src)
		}
		if l := domain.LunarOf(got); l != (domain.LunarDate{Year: tt.year, Month: 1, Day: 1}) {
			t.Errorf("LunarOf(%s) = %+v, want 1/1/%d", got, l, tt.year)
		}
	}
}

// TestHungKings holds 10/3 lunar (Giỗ Tổ Hùng Vương) to the days the government announced:
// 2022 Sunday 10/4 (off in lieu Monday 11/4, Thông báo 4987/TB-LĐTBXH), 2023 Saturday 29/4
// (Thông báo 5326/TB-LĐTBXH), 2024 Thursday 18/4 (calendars/2024.json), 2025 Monday 7/4
// (calendars/2025.json), 2026 Sunday 26/4 (Thanh Niên, 23/2/2026: off in lieu Monday 27/4).
func TestHungKings(t *testing.T) {
	t.Parallel()
	for year, want := range map[int]string{2022: "2022-04-10", 2023: "2023-04-29", 2024: "2024-04-18", 2025: "2025-04-07", 2026: "2026-04-26"} {
		got, ok := domain.SolarOf(domain.LunarDate{Year: year, Month: 3, Day: 10})
		if !ok || got.String() != want {
			t.Errorf("10/3/%d: got %s %v, want %s", year, got, ok, want)
		}
	}
}

// TestLunarLeapMonths checks known leap months: tháng 4 nhuận 2020, tháng 2 nhuận 2023,
// tháng 6 nhuận 2025 (as printed on Vietnamese calendars), and that a year without one has
// none.
func TestLunarLeapMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year, month int
		ok          bool
	}{
		{2020, 4, true}, {2023, 2, true}, {2025, 6, true},
		{2020, 5, false}, {2023, 3, false}, {2024, 4, false}, {2026, 6, false},
	}
	for _, tt := range tests {
		d, ok := domain.SolarOf(domain.LunarDate{Year: tt.year, Month: tt.month, Day: 1, Leap: true})
		if ok != tt.ok {
			t.Errorf("leap month %d/%d: got %v (%s), want %v", tt.month, tt.year, ok, d, tt.ok)
			continue
		}
		if ok {
			if l := domain.LunarOf(d); !l.Leap || l.Month != tt.month || l.Day != 1 {
				t.Errorf("LunarOf(%s) = %+v", d, l)
			}
		}
	}
}

// TestLunarRoundTrip converts every day of 1900–2100 to the lunar calendar and back, and
// checks that lunar days run 1, 2, … without gaps, months have 29 or 30 days and years 12 or
// 13 months.
func TestLunarRoundTrip(t *testing.T) {
	t.Parallel()
	prev := domain.LunarOf(domain.Date{Year: 1899, Month: time.December, Day: 31})
	for d := (domain.Date{Year: 1900, Month: time.January, Day: 1}); d.Year <= 2100; d = d.AddDays(1) {
		l := domain.LunarOf(d)
		if back, ok := domain.SolarOf(l); !ok || back != d {
			t.Fatalf("%s → %+v → %s %v", d, l, back, ok)
		}
		switch {
		case l.Day == prev.Day+1 && l.Month == prev.Month && l.Leap == prev.Leap && l.Year == prev.Year:
		case l.Day == 1 && (prev.Day == 29 || prev.Day == 30):
			if l.Month == 1 && !l.Leap && (l.Year != prev.Year+1 || prev.Month != 12) {
				t.Fatalf("%s: new year %+v after %+v", d, l, prev)
			}
		default:
			t.Fatalf("%s: %+v follows %+v", d, l, prev)
		}
		prev = l
	}
}

func TestSolarOf_Invalid(t *testing.T) {
	t.Parallel()
	for _, l := range []domain.LunarDate{
		{Year: 2024, Month: 0, Day: 1}, {Year: 2024, Month: 13, Day: 1}, {Year: 2024, Month: 1, Day: 0},
		{Year: 2024, Month: 1, Day: 31}, {Year: 2024, Month: 1, Day: 1, Leap: true},
	} {
		if d, ok := domain.SolarOf(l); ok {
			t.Errorf("SolarOf(%+v) = %s, want no date", l, d)
		}
	}
}
