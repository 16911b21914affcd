"""Blueprints, one per audience: wechat (XML), api (mini-program JSON), admin (staff), web (H5)."""
