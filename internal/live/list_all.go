package live

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// AllLister is implemented by readers that can list the IDs of every record of every type in one
// call (list-all, POST /api/2.0/fo/auth/ action=list), as *qualysclient.Client does. Read then
// lists only the kinds list-all names: a kind it does not name has no records, known without a
// call. A reader without it has every kind listed.
type AllLister interface {
	ListAll(ctx context.Context, opt qualysclient.ListOptions) (map[qualysclient.RecordType][]int64, error)
}

// ListAllUse says what the list-all call answered and how Read used it.
type ListAllUse struct {
	// Fallback says why every record kind was listed instead of only those list-all named: its
	// call failed (not for credentials or the rate limit, which fail the read), or its answer
	// could not be interpreted, or it named a record type qsync does not know. Empty when the
	// answer was used.
	Fallback string `json:"fallback,omitempty"`
	// Announced maps each record type list-all named (its AUTH_<TYPE>_IDS or AUTH_<TYPE>_RECORDS,
	// lower-cased) to how many IDs it announced.
	Announced map[string]int `json:"announced,omitempty"`
	// Unknown holds the types among Announced that are no record kind qsync knows.
	Unknown map[string]int `json:"unknown,omitempty"`
	// Skipped counts the record kinds known to be empty without a list call.
	Skipped int `json:"skipped"`
	// Differs names the kinds whose list held other IDs than list-all announced, sorted. The
	// estate may have changed between the calls; the kind's own list is what was read.
	Differs []string `json:"differs,omitempty"`

	// callErr is the call's own error when it failed (then Fallback says so), for ReadEach.
	callErr error
}

// listAll runs list-all for kinds and returns the kinds to list, what it learnt, and the IDs it
// announced per kind (nil on fallback). An error is returned only when list-all was refused in a
// way every other call would be too (credentials, rate or concurrency limit, an account blocked,
// a cancelled context): then listing every kind instead would only spend more calls.
func listAll(ctx context.Context, al AllLister, kinds, declared []spec.Kind) ([]spec.Kind, *ListAllUse, map[spec.Kind][]int64, error) {
	use := &ListAllUse{}
	got, err := al.ListAll(ctx, qualysclient.ListOptions{})
	if err != nil {
		if refusedEverywhere(ctx, err) {
			return nil, nil, nil, fmt.Errorf("list all auth records: %w", err)
		}
		use.Fallback = fmt.Sprintf("the list-all call (/api/2.0/fo/auth/) gave no answer qsync could use (%v)", err)
		use.callErr = err
		return kinds, use, nil, nil
	}
	known := map[spec.Kind]bool{}
	for _, k := range spec.RecordEndpoints() {
		known[k] = true
	}
	use.Announced = map[string]int{}
	announced := map[spec.Kind][]int64{}
	for t, ids := range got {
		use.Announced[string(t)] = len(ids)
		if !known[spec.Kind(t)] {
			if use.Unknown == nil {
				use.Unknown = map[string]int{}
			}
			use.Unknown[string(t)] = len(ids)
			continue
		}
		announced[spec.Kind(t)] = ids
	}
	if len(use.Unknown) > 0 {
		// Only three ID set names are documented (unix, windows, oracle); the rest follow an
		// inferred pattern. A name qsync cannot place may be a known kind named differently, so
		// "not named" cannot be read as "empty" for any kind.
		var parts []string
		for _, t := range slices.Sorted(maps.Keys(use.Unknown)) {
			parts = append(parts, fmt.Sprintf("%s with %d ID(s)", strings.ToUpper(t), use.Unknown[t]))
		}
		use.Fallback = fmt.Sprintf("the list-all call named record type(s) qsync does not know (%s): those records are not read and never changed, and a known kind may be named differently there", strings.Join(parts, ", "))
		return kinds, use, nil, nil
	}
	var present []spec.Kind
	for _, k := range kinds {
		if _, ok := announced[k]; ok || slices.Contains(declared, k) {
			present = append(present, k)
		} else {
			use.Skipped++
		}
	}
	return present, use, announced, nil
}

// refusedEverywhere reports whether a failed list-all means every other call would fail too.
func refusedEverywhere(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	var rl *qualysclient.RateLimitError
	var ns *qualysclient.NotSentError
	if errors.As(err, &rl) || errors.As(err, &ns) {
		return true
	}
	var apiErr *qualysclient.APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Status == http.StatusUnauthorized:
			return true
		case apiErr.Code == 1960, apiErr.Code == 1965, apiErr.Code == 2000, apiErr.Code == 2003, apiErr.Code == 2011:
			// rate and concurrency limits, bad login, account not registered, SecureID required
			return true
		}
	}
	return false
}

// differs reports whether the records listed of a kind have other IDs than list-all announced.
func differs(announced []int64, objs []*spec.Object) bool {
	if len(announced) != len(objs) {
		return true
	}
	ids := make([]int64, len(objs))
	for i, o := range objs {
		ids[i] = o.ID
	}
	slices.Sort(ids)
	a := slices.Clone(announced)
	slices.Sort(a)
	return !slices.Equal(a, ids)
}

// notices are the sentences a reader of the plan should see about this use of list-all.
func (u *ListAllUse) notices() []string {
	if u == nil || u.Fallback == "" {
		return nil
	}
	return []string{u.Fallback + "; every record kind was listed instead (one call each)"}
}
