package domain

// Count adds to f what dossier d counts in period p (DOMAIN.md "Counting"), judged from its
// history (every event so far) with the current rules; nothing when it is out of the
// period's scope. This is the definition of every dossier figure of the appendix and of
// Biểu 06: the report's SQL counts the same from the columns the judgement stores, and a
// property test holds the two together.
func (r Rules) Count(f *DossierFigures, d *Dossier, history []Event, p Period) {
	start, end := p.Start(), p.End()
	closed := d.ResolvedAt
	if closed == nil {
		closed = d.WithdrawnAt
	}
	if !d.ReceivedAt.Before(end) || closed != nil && closed.Before(start) {
		return
	}
	f.Received++
	if d.ReceivedAt.Before(start) {
		f.CarriedOver++
	} else {
		f.New++
		switch d.Channel {
		case ChannelOnline:
			f.NewOnline++
		case ChannelPostal:
			f.NewPostal++
		default:
			f.NewDirect++
		}
	}
	judged := *d
	r.Judge(&judged, history)
	switch {
	case d.ResolvedAt != nil && d.ResolvedAt.Before(end):
		f.Resolved++
		switch judged.Timeliness {
		case TimelinessEarly:
			f.Early++
		case TimelinessOnTime:
			f.OnTime++
		default:
			f.Late++
			switch {
			case d.ApologizedAt == nil:
			case judged.ApologyLate:
				f.LateWithLateApology++
			default:
				f.LateWithApology++
			}
		}
	case d.WithdrawnAt != nil && d.WithdrawnAt.Before(end):
		f.Withdrawn++
	default:
		f.Pending++
		if r.StateBefore(d, history, end).Late {
			f.PendingOverdue++
		} else {
			f.PendingWithin++
		}
	}
}
