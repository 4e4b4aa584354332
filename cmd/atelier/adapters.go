package main

import (
	"context"
	"fmt"

	"atelier/bot"
	"atelier/bot/discord"
	"atelier/bot/telegram"
	"atelier/consultation"
)

// adapters builds the platform adapters whose tokens are set and returns
// their run functions and, by platform, what delivers the bot's own
// messages. Telegram and Discord share the process, the database and the
// chat layer.
func (m *Main) adapters(ctx context.Context) ([]func(context.Context) error, map[consultation.Platform]bot.Poster, error) {
	var runners []func(context.Context) error
	posters := make(map[consultation.Platform]bot.Poster)
	if m.Config.TelegramToken != "" {
		cfg := telegram.Config{Token: m.Config.TelegramToken, APIURL: m.Config.TelegramAPIURL}
		if m.Config.TelegramPublicURL != "" {
			cfg.Webhook = &telegram.WebhookConfig{Listen: m.Config.TelegramWebhook, PublicURL: m.Config.TelegramPublicURL, SecretToken: m.Config.TelegramSecret}
		}
		a, err := telegram.New(ctx, cfg, m.Bot, m.Log)
		if err != nil {
			return nil, nil, fmt.Errorf("telegram: %w", err)
		}
		m.Log.Info("telegram adapter ready", "username", a.Username())
		runners = append(runners, a.Run)
		posters[consultation.Telegram] = a
	}
	if m.Config.DiscordToken != "" {
		a, err := discord.New(ctx, discord.Config{Token: m.Config.DiscordToken, GuildID: m.Config.DiscordGuildID}, m.Bot, m.Log)
		if err != nil {
			return nil, nil, fmt.Errorf("discord: %w", err)
		}
		runners = append(runners, a.Run)
		posters[consultation.Discord] = a
	}
	return runners, posters, nil
}
