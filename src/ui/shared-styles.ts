import { css } from 'lit';

/** Styles every panel shares: buttons, messages, layout that fits a 360-px phone. */
export const panelStyles = css`
  :host {
    display: block;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 0.75rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin: 0.5rem 0;
  }
  input[type='text'] {
    font: inherit;
    padding: 0.45rem 0.6rem;
    border: 1px solid #8a8f98;
    border-radius: 6px;
    min-width: 0;
    flex: 1 1 12rem;
  }
  /* A button, and a file input's label shown as one (.as-button below). */
  button,
  label.button {
    padding: 0.45rem 0.9rem;
    border-radius: 6px;
    border: 1px solid #2457c5;
    background: #2f6fed;
    color: white;
    cursor: pointer;
  }
  button {
    font: inherit;
  }
  button.secondary,
  label.button.secondary {
    background: transparent;
    color: inherit;
    border-color: #8a8f98;
  }
  button.danger {
    background: #c62828;
    border-color: #a31f1f;
  }
  button:disabled,
  input:disabled + label.button {
    opacity: 0.5;
    cursor: not-allowed;
  }
  /* One visible focus for everything that takes it (buttons, fields, selects, summaries, scrolling regions); a
     hidden file input's focus shows on its label. */
  :focus-visible,
  input:focus-visible + label.button {
    outline: 3px solid #ffbf47;
    outline-offset: 1px;
  }
  .message {
    padding: 0.6rem 0.8rem;
    border-radius: 6px;
    margin: 0.75rem 0;
    background: #fff4e5;
    color: #5a3b00;
    border: 1px solid #f0b45b;
  }
  .message.info {
    background: #e8f1ff;
    color: #123;
    border-color: #9dbbf0;
  }
  .busy {
    font-style: italic;
    margin: 0.5rem 0;
  }
  select,
  textarea {
    font: inherit;
    padding: 0.4rem 0.5rem;
    border: 1px solid #8a8f98;
    border-radius: 6px;
  }
  h3 {
    margin: 0 0 0.5rem;
  }
  ul.plain {
    list-style: none;
    padding: 0;
    margin: 0.5rem 0;
  }
  input[type='file'] {
    max-width: 100%;
  }
  /* A file input shown as its label, a button, with the panel's own status beside it: the browser's "No file
     chosen" would contradict that status. The input stays in the focus order; its focus shows on the label. */
  input[type='file'].as-button {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
    overflow: hidden;
  }
  label.button {
    display: inline-block;
    font-weight: normal;
  }
  .chosen {
    font-size: 0.9rem;
    overflow-wrap: anywhere;
  }
  fieldset {
    min-width: 0;
  }
`;

/** A bordered card for one part of a panel (a photo-library group, a question, a tool). */
export const cardStyles = css`
  :host {
    display: block;
    border: 1px solid #c9ccd1;
    border-radius: 8px;
    padding: 0.5rem 0.75rem;
    margin: 0.75rem 0;
  }
`;

/** A labelled box over a face, placed in percentages over a photo (face-overlay) or a video (live-camera). */
export const faceBoxStyles = css`
  .box {
    position: absolute;
    border: 3px solid #19a974;
    box-sizing: border-box;
    border-radius: 4px;
  }
  .box.unknown {
    border-color: #ff6f00;
  }
  .tag {
    position: absolute;
    left: -3px;
    bottom: 100%;
    white-space: nowrap;
    font-size: 0.8rem;
    padding: 0 0.3rem;
    /* Darker than the box's border: white 0.8rem text needs 4.5:1 (this is 5.4:1; the border's green gives 3:1). */
    background: #0b7a4f;
    color: white;
    border-radius: 3px;
  }
`;
