import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollabHandle } from '../../realtime/collab.js';

/** A caret colour per person that stays the same on every screen (and has 3:1 contrast on white). */
const CARET_COLOURS = ['#b91c1c', '#1d4ed8', '#047857', '#7c3aed', '#c2410c', '#0f766e', '#be185d', '#4d7c0f'];
function colourOf(personId: string): string {
  let hash = 0;
  for (const char of personId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return CARET_COLOURS[Math.abs(hash) % CARET_COLOURS.length]!;
}

/**
 * The rich-text notes of a room on its shared Yjs document: headings, lists, bold and italic,
 * links; everyone's caret with name and colour; read-only when the person may only read.
 */
export default function NotesEditor({
  handle,
  label,
  user,
}: {
  handle: CollabHandle;
  label: string;
  user: { personId: string; name: string };
}) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(handle.subscribe, handle.state);
  const editable = state.mode === 'edit' && state.status !== 'noAccess';
  const editor = useEditor(
    {
      extensions: [
        // Yjs keeps the history of every person; the editor's own undo would undo others' edits.
        StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true } }),
        Collaboration.configure({ document: handle.doc, field: 'default' }),
        CollaborationCaret.configure({ provider: handle.provider, user: { name: user.name, color: colourOf(user.personId) } }),
      ],
      editable,
      editorProps: {
        attributes: {
          'aria-label': label,
          'aria-multiline': 'true',
          role: 'textbox',
          class: 'notes-content',
        },
      },
    },
    [handle],
  );

  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);

  const command = (name: string, run: () => void, active: boolean) => (
    <button type="button" aria-pressed={active} disabled={!editable} onClick={run} onMouseDown={(event) => event.preventDefault()}>
      {t(`notes.${name}` as 'notes.bold')}
    </button>
  );

  return (
    <div className="notes-editor" data-mode={state.mode} data-status={state.status}>
      {editor && editable ? (
        <div role="toolbar" aria-label={t('notes.toolbar')} className="notes-toolbar">
          {command('heading', () => editor.chain().focus().toggleHeading({ level: 2 }).run(), editor.isActive('heading', { level: 2 }))}
          {command('bold', () => editor.chain().focus().toggleBold().run(), editor.isActive('bold'))}
          {command('italic', () => editor.chain().focus().toggleItalic().run(), editor.isActive('italic'))}
          {command('bulletList', () => editor.chain().focus().toggleBulletList().run(), editor.isActive('bulletList'))}
          {command('orderedList', () => editor.chain().focus().toggleOrderedList().run(), editor.isActive('orderedList'))}
          {command(
            'link',
            () => {
              const href = window.prompt(t('notes.linkPrompt'), editor.getAttributes('link').href as string | undefined);
              if (href === null) return;
              if (href === '') editor.chain().focus().unsetLink().run();
              else editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
            },
            editor.isActive('link'),
          )}
        </div>
      ) : null}
      <EditorContent editor={editor} />
    </div>
  );
}
