package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/qsync/qsync/internal/prcomment"
	qversion "github.com/qsync/qsync/internal/version"
)

// CommentCmd posts a plan (or an apply result) as the one qsync comment of this configuration on
// the current pull request (GitHub Actions) or merge request (GitLab CI), and to the job summary.
type CommentCmd struct {
	File        string `arg:"" optional:"" name:"file" help:"Markdown to post (the output of 'qsync plan --format markdown'), or - for stdin."`
	ApplyResult string `name:"apply-result" placeholder:"FILE" help:"Post the result of 'qsync apply --format json' saved in FILE instead, rendered as markdown (an empty FILE: apply stopped before writing one)."`
	Config      string `env:"QSYNC_CONFIG" default:"." placeholder:"PATH" help:"The configuration path the comment is about: each configuration gets its own comment (with the owner, it names the comment's hidden marker)."`
	Owner       string `env:"QSYNC_OWNER" placeholder:"NAME" help:"The configuration's owner (default: the owner: line of the configuration's YAML)."`
	Number      int    `placeholder:"N" help:"Pull or merge request number (default: the one of the CI event, else the one the commit was merged from)."`
	Artifact    string `placeholder:"WHERE" help:"Where the full text is, named when a body is cut to fit the platform's limit (default: the CI run's artifacts)."`
	Author      string `env:"QSYNC_COMMENT_AUTHOR" placeholder:"LOGIN" help:"GitHub only: the login whose comments qsync may update, when the token cannot say (default: the token's user, else github-actions[bot])."`
	Print       bool   `help:"Print the body to stdout instead of posting it (no CI needed)."`
	NoSummary   bool   `name:"no-summary" help:"Do not append the body to $GITHUB_STEP_SUMMARY."`
}

// Run renders the body and posts it.
func (c *CommentCmd) Run(ctx context.Context, env *Env) error {
	ci := prcomment.CI{Getenv: env.Getenv, UserAgent: "qsync/" + qversion.Current(version).String()}
	owner, err := configOwner(c.Owner, c.Config)
	if err != nil {
		return err
	}
	rc := prcomment.RenderContext{Owner: owner, Commit: ci.Commit(), RunURL: ci.RunURL()}
	kind, body, err := c.body(env, rc)
	if err != nil {
		return err
	}
	body = env.redact(body) // the body, the job summary and the comment pass the one redactor
	if c.Print {
		_, err := io.WriteString(env.Stdout, body)
		return err
	}
	if path := env.Getenv("GITHUB_STEP_SUMMARY"); !c.NoSummary && path != "" {
		if err := prcomment.AppendSummary(path, body); err != nil {
			return err
		}
	}
	p, err := ci.Platform(ctx, c.Number)
	if err != nil {
		return fmt.Errorf("comment: %w", err)
	}
	if gh, ok := p.(*prcomment.GitHub); ok {
		gh.Author = c.Author
	}
	m := prcomment.Marker{Kind: kind, Owner: owner, Config: c.Config}
	out, err := prcomment.Post(ctx, p, m, body, prcomment.Where(c.Artifact, rc.RunURL))
	if err != nil {
		return err
	}
	prcomment.WriteOutcome(env.Stderr, p, m, out)
	return nil
}

// body returns the comment's kind and markdown, with a footer naming the commit.
func (c *CommentCmd) body(env *Env, rc prcomment.RenderContext) (prcomment.Kind, string, error) {
	switch {
	case c.ApplyResult != "" && c.File != "":
		return "", "", errors.New("give either FILE or --apply-result, not both")
	case c.ApplyResult != "":
		body, err := prcomment.ApplyBody(c.ApplyResult, rc)
		return prcomment.KindApply, body, err
	case c.File == "":
		return "", "", errors.New("nothing to post: give FILE (- for stdin) or --apply-result FILE")
	}
	body, err := prcomment.PlanBody(c.File, env.Stdin, rc)
	return prcomment.KindPlan, body, err
}

// configOwner is the owner a PR comment or drift issue names: the --owner flag (or QSYNC_OWNER),
// else the owner: line of config's YAML; qsync comment and qsync ci drift share it.
func configOwner(flag, config string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	o, err := prcomment.OwnerOf(config)
	if err != nil {
		return "", err
	}
	if o == "" {
		return "", fmt.Errorf("no owner: %s declares none; pass --owner or set QSYNC_OWNER", config)
	}
	return o, nil
}
