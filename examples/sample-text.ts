// A small sample text written for lstm-ts, used by examples/char-rnn.ts when no file is given.
// It is deliberately repetitive in vocabulary and rhythm so a tiny model can pick up words in a minute.
export const SAMPLE_TEXT = `The long short-term memory keeps a cell that carries what it has seen.
The forget gate decides what the cell keeps, the input gate decides what the cell learns,
and the output gate decides what the cell tells the next layer.
A plain recurrent network forgets what it has seen after a few steps,
because the gradient fades as it travels back in time.
The memory cell lets the gradient travel far, so the network can learn long patterns.
The network reads one letter at a time and learns to guess the next letter.
At first it guesses spaces and vowels, then short words, then whole lines.
When the network writes, it samples one letter, reads it back, and samples the next.
A low temperature makes the text careful and plain; a high temperature makes it wild and new.
The cell keeps, the gate decides, the network learns, and the text grows one letter at a time.
`;
