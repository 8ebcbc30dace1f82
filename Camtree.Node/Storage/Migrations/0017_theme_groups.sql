-- Version 17: theme groups (FEP-1b12). Every theme used here has a Group actor (a local_actors row of type Group whose
-- username is the theme's handle: @oracy@node) that announces the reports tagged with it to its followers.
-- A theme merged into another (an operator's action) keeps its actor, so both handles keep working; merged_into always
-- names a theme that is not itself merged (a merge repoints the themes merged into its source).
CREATE TABLE theme_groups (
    theme       TEXT PRIMARY KEY,
    actor_id    INTEGER NOT NULL UNIQUE REFERENCES local_actors (id),
    merged_into TEXT NULL REFERENCES theme_groups (theme),
    created_at  TEXT NOT NULL
);
CREATE INDEX theme_groups_merged ON theme_groups (merged_into) WHERE merged_into IS NOT NULL;
