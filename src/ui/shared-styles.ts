import { css } from 'lit';

/** Styles every panel shares: buttons, messages, layout that fits a 360-px phone. */
export const panelStyles = css`
  :host { display: block; }
  h2 { font-size: 1.15rem; margin: 0 0 0.75rem; }
  .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
  input[type='text'] { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid #8a8f98; border-radius: 6px; min-width: 0; flex: 1 1 12rem; }
  button { font: inherit; padding: 0.45rem 0.9rem; border-radius: 6px; border: 1px solid #2457c5; background: #2f6fed; color: white; cursor: pointer; }
  button.secondary { background: transparent; color: inherit; border-color: #8a8f98; }
  button.danger { background: #c62828; border-color: #a31f1f; }
  button:disabled { opacity: 0.5; cursor: not-allowed; }
  button:focus-visible, input:focus-visible { outline: 3px solid #ffbf47; outline-offset: 1px; }
  .message { padding: 0.6rem 0.8rem; border-radius: 6px; margin: 0.75rem 0; background: #fff4e5; color: #5a3b00; border: 1px solid #f0b45b; }
  .message.info { background: #e8f1ff; color: #123; border-color: #9dbbf0; }
  .busy { font-style: italic; margin: 0.5rem 0; }
  ul.plain { list-style: none; padding: 0; margin: 0.5rem 0; }
  input[type='file'] { max-width: 100%; }
  fieldset { min-width: 0; }
`;
