package prcomment

import (
	"context"
	"fmt"
)

// Comment is one comment on a pull or merge request.
type Comment struct {
	ID     int64
	Author string // login (GitHub) or user ID (GitLab), as the platform's User reports it
	Body   string
	URL    string // a link to it, when the platform gives one
}

// Platform is one pull or merge request on GitHub or GitLab.
type Platform interface {
	// Name is "GitHub" or "GitLab".
	Name() string
	// Request names the pull or merge request, e.g. "pull request #12".
	Request() string
	// Limit is the most characters a comment body may have.
	Limit() int
	// Self returns the author value of comments written with this platform's token.
	Self(ctx context.Context) (string, error)
	// Comments lists every comment of the request, following pagination to the end.
	Comments(ctx context.Context) ([]Comment, error)
	// Create adds a comment.
	Create(ctx context.Context, body string) (Comment, error)
	// Update replaces the body of comment id.
	Update(ctx context.Context, id int64, body string) (Comment, error)
}

// Outcome says what Post did.
type Outcome struct {
	Updated   bool // an existing comment was updated (else one was created)
	Comment   Comment
	Truncated bool // the body was shortened to fit the platform's limit
	Skipped   int  // comments carrying the marker but written by someone else, left alone
}

// Post writes body, prefixed with the marker line, as the one comment of marker m on p: it
// updates the first comment that carries m and was written by the token's own user, or creates
// one. Comments by others carrying the same marker are never changed. A body over the platform's
// limit is shortened with Fit, pointing to where.
func Post(ctx context.Context, p Platform, m Marker, body, where string) (Outcome, error) {
	self, err := p.Self(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("find the token's user: %w", err)
	}
	comments, err := p.Comments(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("list the comments of %s: %w", p.Request(), err)
	}
	head := m.String() + "\n"
	fitted, cut := Fit(body, p.Limit()-len([]rune(head)), where)
	full := head + fitted
	out := Outcome{Truncated: cut}
	for _, c := range comments {
		if !m.Marks(c.Body) {
			continue
		}
		if c.Author != self {
			out.Skipped++
			continue
		}
		updated, err := p.Update(ctx, c.ID, full)
		if err != nil {
			return out, fmt.Errorf("update comment %d on %s: %w", c.ID, p.Request(), err)
		}
		out.Updated, out.Comment = true, updated
		return out, nil
	}
	created, err := p.Create(ctx, full)
	if err != nil {
		return out, fmt.Errorf("comment on %s: %w", p.Request(), err)
	}
	out.Comment = created
	return out, nil
}
