package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// The modes of a Handover.
const (
	// HandoverMove: the old holder stays (an update releases the IPs, slot or title).
	HandoverMove = "move"
	// HandoverReplacement: the old holder is deleted (a replacement, or a delete whose title,
	// IPs or slot a create or update takes, such as a rename without previous_titles).
	HandoverReplacement = "replacement"
)

// What a Handover hands over (Handover.What).
const (
	HandsIPs   = "ips"   // IPs of an exclusivity group (an IP may be in one record of the group)
	HandsTitle = "title" // a title (identity) of the kind
	HandsSlot  = "slot"  // a cross-record rule slot of the kind (spec.UniqueRule)
)

// Handover is one release paired with its take: step Release gives up what step Take needs free.
// Apply runs Release, then Take, and the hand-overs of one Group one at a time; after a failed
// take no further release of that group runs, and GiveBack (when set) is re-added to the old
// holder (see package apply).
type Handover struct {
	// Mode is "move" (an update releases; the old holder stays) or "replacement" (the old
	// holder is deleted).
	Mode string `json:"mode"`
	// Group names the hand-overs that run one at a time: a record kind's exclusivity group
	// ("unix"), else its kind ("oracle"), or "vault".
	Group string `json:"group"`
	// Release and Take are the IDs of the two steps.
	Release int `json:"release"`
	Take    int `json:"take"`
	// From is the object that releases (its ID FromID), To the object that takes; they are equal
	// for the replacement of one object.
	From   spec.Key `json:"from"`
	FromID int64    `json:"from_id,omitempty"`
	To     spec.Key `json:"to"`
	// What lists, sorted, what is handed over: "ips", "slot", "title".
	What []string `json:"what"`
	// IPs are the addresses handed over (IPs of the group, or the hosts of a slot), as merged
	// ranges; Title the title handed over; Slots the rules whose slots move (the kind table's
	// reason, e.g. "Qualys allows one Oracle record with All Ports, ... per host").
	IPs   []string `json:"ips,omitempty"`
	Title string   `json:"title,omitempty"`
	Slots []string `json:"slots,omitempty"`
	// GiveBack are the IPs apply adds back to From (an update that removed them) when Take
	// fails, as sent in add_ips; empty when nothing can be given back (From is deleted, or only
	// a title or a slot changed by a field moves).
	GiveBack string `json:"give_back,omitempty"`
}

// Describe names the pair for people: `unix "a" (id 5) -> unix "b"`, or `windows "dc" (id 7)` for
// the replacement of one object.
func (h *Handover) Describe() string {
	from := KeyText(h.From, h.FromID)
	if h.From == h.To {
		return from
	}
	return from + " -> " + h.To.String()
}

// Handed says what moves: `IPs 10.0.0.1-10.0.0.5, the title "a", the slot (...)`.
func (h *Handover) Handed() string {
	var parts []string
	for _, w := range h.What {
		switch w {
		case HandsIPs:
			parts = append(parts, "IPs "+strings.Join(h.IPs, ", "))
		case HandsTitle:
			parts = append(parts, "the title "+strconv.Quote(h.Title))
		case HandsSlot:
			s := "the rule slot on " + strings.Join(h.IPs, ", ")
			if len(h.Slots) > 0 {
				s += " (" + strings.Join(h.Slots, "; ") + ")"
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "the object"
	}
	return strings.Join(parts, ", ")
}

// KeyText names an object for people: its key, and its Qualys ID when it has one
// (`unix "a" (id 5)`).
func KeyText(k spec.Key, id int64) string {
	if id == 0 {
		return k.String()
	}
	return fmt.Sprintf("%s (id %d)", k, id)
}
