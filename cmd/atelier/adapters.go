package main

import (
	"context"
	"fmt"

	"atelier/bot/discord"
	"atelier/bot/telegram"
)

// adapters builds the platform adapters whose tokens are set and returns
// their run functions. Telegram and Discord share the process, the
// database and the chat layer.
func (m *Main) adapters(ctx context.Context) ([]func(context.Context) error, error) {
	var runners []func(context.Context) error
	if m.Config.TelegramToken != "" {
		cfg := telegram.Config{Token: m.Config.TelegramToken, APIURL: m.Config.TelegramAPIURL}
		if m.Config.TelegramPublicURL != "" {
			cfg.Webhook = &telegram.WebhookConfig{Listen: m.Config.TelegramWebhook, PublicURL: m.Config.TelegramPublicURL, SecretToken: m.Config.TelegramSecret}
		}
		a, err := telegram.New(ctx, cfg, m.Bot, m.Log.With("platform", "telegram"))
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		m.Log.Info("telegram adapter ready", "username", a.Username())
		runners = append(runners, a.Run)
	}
	if m.Config.DiscordToken != "" {
		a, err := discord.New(ctx, discord.Config{Token: m.Config.DiscordToken, GuildID: m.Config.DiscordGuildID}, m.Bot, m.Log.With("platform", "discord"))
		if err != nil {
			return nil, fmt.Errorf("discord: %w", err)
		}
		runners = append(runners, a.Run)
	}
	return runners, nil
}
