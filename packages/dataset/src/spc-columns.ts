/** The three Synthetic-Persona-Chat columns, exactly as the released files spell them (case included). */
export const SPC_COLUMNS = ['user 1 personas', 'user 2 personas', 'Best Generated Conversation'] as const;
