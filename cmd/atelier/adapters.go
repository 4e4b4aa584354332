package main

import "context"

// adapters returns a runner for each platform whose token is set.
func (m *Main) adapters(ctx context.Context) ([]func(context.Context) error, error) {
	return nil, nil
}
